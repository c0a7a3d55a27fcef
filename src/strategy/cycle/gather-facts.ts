// Loads the AccountFacts of every in-scope account of one chunk of borrowers, set-based: one or two
// statements per chunk whatever its size, never one per account. The account facts (state, loan,
// borrower, product, step history, events, promises) come first; the contact facts (contact points,
// emergency contacts, arrangement, contact outcomes) either with them, or in a second statement for the
// accounts a screen lets through only: the daily cycle screens out those no step can act on today
// (core/screen.ts).
import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import type { DB } from '../../platform/db/types.ts';
import { withPlannerSettings } from '../../platform/db/planner-settings.ts';
import { integerArrayLiteral, textArrayLiteral } from '../../platform/db/array-literal.ts';
import { addDays, daysBetween, maxDate, minDate } from '../../platform/core/calendar.ts';
import { stateOnColumns, type CarriedColumn } from '../../delinquency/index.ts';
import {
  CHANNELS, channelsOfMask, EVENT_LOOKBACK_DAYS, stepHistoryKey, type AccountFacts, type AccountEventKind, type Channel, type ChannelFacts,
} from '../core/facts.ts';
import type { AccountCoreFacts } from '../core/screen.ts';
import { eventUnseenByMark } from './account-rest.ts';

type Executor = Kysely<DB> | Transaction<DB>;

export interface FactsScope {
  asOf: string;
  loBorrowerId: number;
  hiBorrowerId: number;
  /** Accounts current today but with an instalment due within this many days are in scope… */
  maxPreDueDays: number;
  /** …or within this many for the products listed (the strategies they can follow remind earlier or not at all). */
  preDueDaysByProduct?: Record<string, number>;
  /** Restrict to these loans (explain, diff samples); otherwise every in-scope account of the range. */
  loanIds?: number[];
  /**
   * Load a borrower's emergency contacts only if one of its accounts in scope is at this DPD or above
   * (StrategyScope.emergencyContactsFromDpd; null: for none); every borrower's when absent.
   */
  emergencyContactsFromDpd?: number | null;
  /**
   * Skip the accounts at rest under this strategy activation (the account_rest table, core/rest.ts):
   * counted, their facts not loaded. Without it every account in scope is loaded.
   */
  restUnder?: number;
}

/** Failures in a row at or past this count make a channel unreachable (失联 on that channel). */
export const UNREACHABLE_AFTER_FAILURES = 3;
const HISTORY_DAYS = 120;
const FAILURE_OUTCOMES = new Set(['bounced', 'no_answer']);
const SUCCESS_OUTCOMES = new Set(['delivered', 'answered', 'responded', 'right_party_contact', 'self_initiated', 'refused']);
const RESPONSE_OUTCOMES = new Set(['answered', 'responded', 'right_party_contact', 'self_initiated', 'refused']);

/** The in-scope account's columns, in the order they travel, by table: c for the state's columns time moves (stateOnColumns). */
const ACCOUNT_COLUMNS = [
  ['borrower_id', 's'], ['loan_id', 's'], ['external_id', 'l'], ['product_id', 'l'], ['currency', 'l'], ['jurisdiction', 'p'],
  ['name', 'b'], ['locale', 'b'], ['time_zone', 'b'], ['flags', 'b'], ['risk_band', 'b'], ['preferred_channel', 'b'],
  ['dpd', 'c'], ['bucket', 'c'], ['overdue_minor', 's'], ['outstanding_before_fees', 'c'], ['late_fee_minor', 'c'], ['oldest_unpaid_due', 's'],
  ['next_due_date', 's'], ['next_due_minor', 's'], ['is_repeat', 's'], ['grace_days', 's'], ['delinquent_since', 's'],
  ['channels_with_point', 'b'],
] as const;
type AccountColumn = (typeof ACCOUNT_COLUMNS)[number][0];

/**
 * The facts document travels by column: each part is one JSON array per column, in row order, far
 * cheaper to build, send and parse than an array per row. A part without rows comes as nulls. Columns
 * holding SQL arrays themselves (flags, consents, episode days) are gathered with json_agg, the others
 * with array_agg; all aggregates of a part read the same rows of one ordered subquery, so the columns
 * line up and keep its order.
 */
type Part = Array<unknown[] | null>;
const gathered = (column: string, nested = false) => (nested ? `json_agg(${column})` : `array_agg(${column})`);
const columnsOf = (names: readonly string[], nested: readonly string[] = []) => sql.raw(names.map((n) => gathered(n, nested.includes(n))).join(', '));
function accountColumns(asOf: string): RawBuilder<unknown> {
  const onAsOf = stateOnColumns(asOf, 's', 'p');
  return sql.join(ACCOUNT_COLUMNS.map(([name, table]) =>
    (table === 'c' ? sql`${onAsOf[name as CarriedColumn]} AS ${sql.ref(name)}` : sql.ref(`${table}.${name}`))));
}
/** The accounts part's date columns travel as days before asOf: small numbers are cheaper to write, send and read than dates. */
const DAYS_BEFORE_AS_OF: ReadonlySet<AccountColumn> = new Set<AccountColumn>(['oldest_unpaid_due', 'next_due_date', 'delinquent_since']);
function accountFields(asOf: string): RawBuilder<unknown> {
  return sql.join(ACCOUNT_COLUMNS.map(([name]) => {
    if ((FREE_TEXT.accounts as readonly string[]).includes(name)) return sql`NULL`;
    if (name === 'flags') return sql.raw(gathered('a.flags', true));
    return DAYS_BEFORE_AS_OF.has(name) ? sql`array_agg(${asOf}::date - ${sql.ref(`a.${name}`)})` : sql.raw(gathered(`a.${name}`));
  }));
}

/**
 * Free-text columns (names, relations: in whatever script the lender writes them) travel apart from
 * the document, in a second one: the document then holds ASCII only, which the client decodes and
 * keeps in memory as one byte per character instead of two. In the document they are nulls; the
 * reader puts them back in place (runFactsQuery). By part, the columns and their index in it.
 */
const FREE_TEXT = { accounts: ['name'], contacts: ['name', 'relation'] } as const satisfies Record<string, readonly string[]>;
const CONTACT_COLUMNS = ['borrower_id', 'contact_id', 'name', 'relation', 'usable'] as const;

/** The JSON object of a part's free-text columns, by their index in the part: aggregates over the part's rows (alias a). */
function freeTextOf(columns: readonly string[], texts: readonly string[]): RawBuilder<unknown> {
  return sql.raw(`json_build_object(${texts.map((t) => `'${columns.indexOf(t)}', array_agg(a.${t})`).join(', ')})`);
}

/** The account facts statement's parts. */
interface AccountParts {
  /** ACCOUNT_COLUMNS, by borrower and loan. */
  accounts: Part;
  /** Actions per loan, strategy, step, channel and party: last day, and the days in the current episode (days before asOf); by loan. */
  history: Part;
  /** loan, event, kind, day; by loan, oldest first. */
  events: Part;
  /** loan, kept, broken, open promise due, its amount; one row per loan. */
  promises: Part;
  /** In-scope accounts at rest, left out of the other parts. */
  atRest: number;
}

/** The contact facts statement's parts. */
interface ContactParts {
  /** borrower, the contact point of each channel (borrowers.contact_point_by_channel); by borrower. */
  points: Part;
  /** borrower, contact, name, relation, usable; by borrower. */
  contacts: Part;
  /** loan, status, kind, missed payments: the loan's latest arrangement. */
  arrangements: Part;
  /** borrower, loan, channel, party, outcome, local day (as days before asOf); by borrower, oldest first. */
  outcomes: Part;
}

/** A column of a part (empty when the part has no rows). */
function column<T>(part: Part, index: number): T[] {
  return (part[index] ?? []) as T[];
}

/** Row ranges [start, end) per key of a part whose rows come grouped by that key. */
function rangesBy(part: Part, keyColumn: number): Map<number, readonly [number, number]> {
  const keys = column<number>(part, keyColumn);
  const ranges = new Map<number, readonly [number, number]>();
  let start = 0;
  for (let i = 1; i <= keys.length; i++) {
    if (i < keys.length && keys[i] === keys[start]) continue;
    if (ranges.has(keys[start])) throw new Error(`facts: the rows of ${keys[start]} are not together in their part`);
    ranges.set(keys[start], [start, i]);
    start = i;
  }
  return ranges;
}

const NO_ROWS = [0, 0] as const;

/** The history part's columns, read by contactFacts and stepHistoryOf over one loan's rows. */
interface HistoryColumns {
  strategy: string[];
  step: string[];
  channel: Array<string | null>;
  party: string[];
  lastOn: string[];
  /** The days of the current episode it fired on, as days before asOf (small numbers travel and compare cheaply), in no set order. */
  episodeDaysAgo: Array<number[] | null>;
}

/** The points and outcomes parts' columns, read by contactFacts over one borrower's rows. */
interface ContactColumns {
  /** Per borrower row, the contact point of each channel in CHANNELS order (null: none at all). */
  pointByChannel: Array<Array<number | null> | null>;
  outcomeLoan: Array<number | null>;
  outcomeChannel: string[];
  outcomeParty: string[];
  outcome: string[];
  outcomeDay: string[];
}

/** Borrower contacts in the current episode after the borrower's last response (all of them when none). */
function unansweredSince(h: HistoryColumns, [start, end]: readonly [number, number], lastResponseOn: string | null, asOf: string): number {
  const responseAgo = lastResponseOn === null ? Infinity : daysBetween(lastResponseOn, asOf);
  let n = 0;
  for (let i = start; i < end; i++) {
    const daysAgo = h.episodeDaysAgo[i];
    if (h.party[i] !== 'borrower' || h.channel[i] === null || daysAgo === null) continue;
    for (const ago of daysAgo) if (ago < responseAgo) n++;
  }
  return n;
}

/** The chunk's borrower range on a column, which lets the planner scan each table by index range. */
function chunkRange({ loBorrowerId: lo, hiBorrowerId: hi }: FactsScope): (column: string) => RawBuilder<unknown> {
  return (column) => sql`${sql.ref(column)} >= ${lo} AND ${sql.ref(column)} < ${hi}`;
}

/**
 * On the state alone (alias s): delinquent, or due within the widest pre-due window of any product
 * (time does not change whether a stored DPD is above zero). The in-scope accounts are among these
 * and those with a recent event.
 */
function delinquentOrDueSoon(scope: Pick<FactsScope, 'asOf' | 'maxPreDueDays' | 'preDueDaysByProduct'>): RawBuilder<unknown> {
  const widestPreDue = Math.max(scope.maxPreDueDays, ...Object.values(scope.preDueDaysByProduct ?? {}));
  return sql`(s.dpd > 0 OR s.next_due_date <= ${scope.asOf}::date + ${widestPreDue}::int)`;
}

/**
 * On the state and its loan (aliases s and l): delinquent, or due within the pre-due window of the
 * loan's product. With a recent event, the in-scope accounts are those.
 */
function delinquentOrDueSoonForProduct(scope: Pick<FactsScope, 'asOf' | 'maxPreDueDays' | 'preDueDaysByProduct'>): RawBuilder<unknown> {
  return sql`(s.dpd > 0 OR s.next_due_date <= ${scope.asOf}::date
                              + coalesce((${JSON.stringify(scope.preDueDaysByProduct ?? {})}::jsonb ->> l.product_id)::int, ${scope.maxPreDueDays}))`;
}

/** The rest marks for a later day than asOf under the activation (alias q), left-joined to the states (alias s) of the chunk's range. */
function restMarkJoin(scope: FactsScope, activationId: number): RawBuilder<unknown> {
  return sql`
      LEFT JOIN account_rest q ON q.borrower_id = s.borrower_id AND q.loan_id = s.loan_id AND ${chunkRange(scope)('q.borrower_id')}
                                  AND q.until > ${scope.asOf}::date AND q.activation_id = ${activationId}`;
}

/**
 * Of the chunk's active accounts delinquent or due within their product's pre-due window (the in-scope
 * test but for recent events), how many there are and how many carry a rest mark under the activation
 * the scope skips those at rest under: an estimate of the share of its in-scope accounts at rest, read
 * before its facts (a worker's first chunk, with no chunk before it to go by; AccountsReading).
 */
export async function restMarksInScope(db: Executor, scope: FactsScope & { restUnder: number }): Promise<{ accounts: number; resting: number }> {
  const inRange = chunkRange(scope);
  const counted = await sql<{ accounts: number; resting: number }>`
    SELECT count(*)::int AS accounts, count(q.loan_id)::int AS resting
    FROM account_states s
    JOIN loans l ON l.borrower_id = s.borrower_id AND l.loan_id = s.loan_id AND ${inRange('l.borrower_id')} AND l.status = 'active'
    ${restMarkJoin(scope, scope.restUnder)}
    -- The widest window first, on the states alone (before the join), as the facts statement does.
    WHERE ${inRange('s.borrower_id')} AND ${delinquentOrDueSoon(scope)} AND ${delinquentOrDueSoonForProduct(scope)}`.execute(db);
  return counted.rows[0];
}

/**
 * The account facts of a chunk: the in-scope accounts (a materialised CTE) with their step history and
 * events, and with their contact facts too when asked, as one JSON document of parts by column. The side
 * queries join the accounts set instead of receiving id lists; by range, the chunk's range lets the
 * planner use index range scans for each of them, and awake by key, they probe each table's index
 * per account (AccountsReading).
 */
function accountsQuery(scope: FactsScope, withContacts: boolean, reading: AccountsReading): RawBuilder<unknown> {
  const { asOf } = scope;
  const byKey = reading === 'awake-by-key';
  const eventsSince = addDays(asOf, -EVENT_LOOKBACK_DAYS);
  const historySince = addDays(asOf, -HISTORY_DAYS);
  const inRange = chunkRange(scope);
  const loanFilter = scope.loanIds ? sql`AND s.loan_id = ANY(${scope.loanIds}::bigint[])` : sql``;
  // At rest: a mark for a later day under the active strategies, and no event in the look-back that
  // the mark's look-ahead did not see (account-rest.ts; only accounts with an event in the look-back
  // are probed for one).
  const restJoin = scope.restUnder === undefined ? sql`` : restMarkJoin(scope, scope.restUnder);
  const resting = scope.restUnder === undefined ? sql`false` : sql`(q.loan_id IS NOT NULL AND NOT (s.has_event AND ${eventUnseenByMark('q', 's', asOf)}))`;
  const inScope = sql`
        -- In scope: delinquent, due soon, or with a recent event. The first test (the widest pre-due
        -- window of any product) runs on the states alone, before any join.
        AND (${delinquentOrDueSoon(scope)} OR s.has_event)
        AND (s.has_event OR ${delinquentOrDueSoonForProduct(scope)})`;
  const statesInRange = sql`(SELECT s.*, (s.borrower_id, s.loan_id) IN (SELECT e.borrower_id, e.loan_id FROM account_events e
                                                       WHERE ${inRange('e.borrower_id')} AND e.occurred_on > ${eventsSince}::date
                                                         AND e.occurred_on <= ${asOf}::date) AS has_event
            FROM account_states s WHERE ${inRange('s.borrower_id')} ${loanFilter}) s`;
  const pointByChannel = withContacts ? sql`, b.contact_point_by_channel AS point_by_channel` : sql``;
  // By key: the in-scope accounts and their rest from the states and loans alone, then one index probe
  // per awake account into each table (OFFSET 0 keeps a subquery from being flattened into a join over
  // the whole table). By range: the chunk's ranges of the states, loans and borrowers joined.
  return sql`
    WITH ${byKey ? sql`in_scope AS MATERIALIZED (
      SELECT s.borrower_id, s.loan_id, ${resting} AS resting
      FROM ${statesInRange}
      ${restJoin}
      JOIN loans l ON l.borrower_id = s.borrower_id AND l.loan_id = s.loan_id
      WHERE ${inRange('l.borrower_id')} AND l.status = 'active' ${inScope}
    ),
    acc AS MATERIALIZED (
      SELECT ${accountColumns(asOf)}${pointByChannel}, false AS resting
      FROM in_scope k
      CROSS JOIN LATERAL (SELECT * FROM account_states s WHERE s.borrower_id = k.borrower_id AND s.loan_id = k.loan_id OFFSET 0) s
      CROSS JOIN LATERAL (SELECT * FROM loans l WHERE l.borrower_id = k.borrower_id AND l.loan_id = k.loan_id OFFSET 0) l
      CROSS JOIN LATERAL (SELECT * FROM borrowers b WHERE b.borrower_id = k.borrower_id OFFSET 0) b
      JOIN products p ON p.id = l.product_id
      WHERE NOT k.resting
    ),` : sql`acc AS MATERIALIZED (
      SELECT ${accountColumns(asOf)}${pointByChannel}, ${resting} AS resting
      FROM ${statesInRange}
      ${restJoin}
      JOIN loans l ON l.borrower_id = s.borrower_id AND l.loan_id = s.loan_id
      JOIN borrowers b ON b.borrower_id = s.borrower_id
      JOIN products p ON p.id = l.product_id
      WHERE ${inRange('l.borrower_id')} AND ${inRange('b.borrower_id')} AND l.status = 'active' ${inScope}
    ),`}
    accounts_part AS (
      SELECT json_build_array(${accountFields(asOf)}) AS doc, ${freeTextOf(ACCOUNT_COLUMNS.map(([name]) => name), FREE_TEXT.accounts)} AS texts
      FROM (SELECT * FROM acc WHERE NOT resting ORDER BY borrower_id, loan_id) a
    )${withContacts ? sql`,
    who AS MATERIALIZED (SELECT DISTINCT borrower_id, time_zone, point_by_channel FROM acc WHERE NOT resting),
    ${contactsPart(scope, sql`(SELECT DISTINCT borrower_id FROM acc WHERE NOT resting${emergencyContactsFilter(scope, sql`dpd`, 'AND')})`, byKey)}` : sql``}
    SELECT json_build_object(
      'atRest', (SELECT count(*) FROM ${byKey ? sql`in_scope` : sql`acc`} WHERE resting),
      'accounts', (SELECT doc FROM accounts_part),
      'history', (SELECT json_build_array(${columnsOf(['loan_id', 'strategy_id', 'step_id', 'channel', 'party', 'last_days_ago', 'episode_days'], ['episode_days'])}) FROM (
                    -- Per account, through the actions_history index (an index-only scan in its order, no
                    -- sort): only the accounts loaded are read, not those at rest beside them in the
                    -- chunk's range, and no join has to match the up to 120 days of rows per account.
                    SELECT a.loan_id, h.*
                    FROM (SELECT borrower_id, loan_id, delinquent_since FROM acc WHERE NOT resting) a
                    CROSS JOIN LATERAL (
                      SELECT x.strategy_id, x.step_id, x.channel, x.party, ${asOf}::date - max(x.as_of) AS last_days_ago,
                             array_agg(${asOf}::date - x.as_of) FILTER (WHERE x.as_of >= a.delinquent_since) AS episode_days
                      FROM actions x
                      WHERE x.borrower_id = a.borrower_id AND x.loan_id = a.loan_id
                        AND x.as_of >= ${historySince}::date AND x.as_of <= ${asOf}::date AND x.status NOT IN ('cancelled', 'blocked')
                      GROUP BY x.strategy_id, x.step_id, x.channel, x.party) h
                    ORDER BY a.borrower_id, a.loan_id, h.strategy_id, h.step_id) q),
      'events', (SELECT json_build_array(${columnsOf(['loan_id', 'event_id', 'kind', 'occurred_on'])}) FROM (
                   SELECT e.loan_id, e.event_id, e.kind, e.occurred_on
                   FROM account_events e JOIN acc a ON a.borrower_id = e.borrower_id AND a.loan_id = e.loan_id AND NOT a.resting
                   WHERE ${inRange('e.borrower_id')} AND e.occurred_on > ${eventsSince}::date AND e.occurred_on <= ${asOf}::date
                     AND e.kind <> 'payment_posted'
                   ORDER BY e.loan_id, e.occurred_on, e.event_id) q),
      'promises', (SELECT json_build_array(${columnsOf(['loan_id', 'kept', 'broken', 'open_due', 'open_amount'])}) FROM (
                     SELECT r.loan_id,
                            count(*) FILTER (WHERE r.status = 'kept') AS kept,
                            count(*) FILTER (WHERE r.status = 'broken') AS broken,
                            min(r.due_on) FILTER (WHERE r.status = 'open' AND r.due_on >= ${asOf}::date) AS open_due,
                            (array_agg(r.amount_minor ORDER BY r.due_on) FILTER (WHERE r.status = 'open' AND r.due_on >= ${asOf}::date))[1] AS open_amount
                     FROM promises r JOIN acc a ON a.borrower_id = r.borrower_id AND a.loan_id = r.loan_id AND NOT a.resting
                     WHERE ${inRange('r.borrower_id')}
                     GROUP BY r.loan_id) q)
      ${withContacts ? sql`, ${contactParts(scope, byKey)}` : sql``}
    )::text AS facts,
    json_build_object('accounts', (SELECT texts FROM accounts_part)${withContacts ? sql`, 'contacts', (SELECT texts FROM contacts_part)` : sql``})::text AS texts`;
}

/** The accounts whose contact facts are loaded: their loans, and their borrowers with their time zones. */
interface ContactScope {
  borrowerOfLoan: number[];
  loans: number[];
  borrowers: number[];
  /** The borrowers whose emergency contacts are loaded (FactsScope.emergencyContactsFromDpd). */
  withEmergencyContacts: number[];
  timeZones: string[];
}

/**
 * The condition on an account's DPD (the SQL given) under which its borrower's emergency contacts are
 * loaded, as a WHERE clause or, with join AND, one more condition of one (FactsScope.emergencyContactsFromDpd).
 */
function emergencyContactsFilter(scope: FactsScope, dpd: RawBuilder<unknown>, join: 'WHERE' | 'AND' = 'WHERE'): RawBuilder<unknown> {
  const from = scope.emergencyContactsFromDpd;
  if (from === undefined) return sql``;
  return from === null ? sql` ${sql.raw(join)} false` : sql` ${sql.raw(join)} ${dpd} >= ${from}`;
}

/** Whether an account's borrower gets its emergency contacts loaded (the same rule in JavaScript). */
function needsEmergencyContacts(scope: FactsScope, dpd: number): boolean {
  const from = scope.emergencyContactsFromDpd;
  return from === undefined || (from !== null && dpd >= from);
}

/**
 * The emergency contacts of the given borrowers (SQL with a borrower_id column), as a part with its
 * free text apart (FREE_TEXT): a CTE. They are read in the chunk's range, or by key, each borrower's
 * through the index (AccountsReading).
 */
function contactsPart(scope: FactsScope, borrowers: RawBuilder<unknown>, byKey = false): RawBuilder<unknown> {
  const inRange = chunkRange(scope);
  const fields = CONTACT_COLUMNS.map((c) => ((FREE_TEXT.contacts as readonly string[]).includes(c) ? 'NULL' : gathered(`a.${c}`)));
  const contacts = byKey
    ? sql`${borrowers} w CROSS JOIN LATERAL (SELECT * FROM emergency_contacts c WHERE c.borrower_id = w.borrower_id OFFSET 0) c`
    : sql`emergency_contacts c JOIN ${borrowers} w ON w.borrower_id = c.borrower_id WHERE ${inRange('c.borrower_id')}`;
  return sql`
    contacts_part AS (
      SELECT json_build_array(${sql.raw(fields.join(', '))}) AS doc, ${freeTextOf(CONTACT_COLUMNS, FREE_TEXT.contacts)} AS texts
      FROM (SELECT c.borrower_id, c.contact_id, c.name, c.relation, c.status = 'active' AND c.consent_at IS NOT NULL AS usable
            FROM ${contacts}
            ORDER BY c.borrower_id, c.contact_id) a
    )`;
}

/**
 * The contact facts parts of a facts document, for the accounts in the statement's acc (borrower_id,
 * loan_id) and their borrowers in who (borrower_id, time_zone): the arrangements and contact outcomes
 * read in the chunk's range, or by key, each account's or borrower's through the index (AccountsReading).
 * The emergency contacts come from the statement's contacts_part (contactsPart), free text apart.
 */
function contactParts(scope: FactsScope, byKey = false): RawBuilder<unknown> {
  const { asOf } = scope;
  const historySince = addDays(asOf, -HISTORY_DAYS);
  const inRange = chunkRange(scope);
  // By key (AccountsReading): each account's or borrower's rows through the index, the chunk's range not read.
  const arrangements = byKey
    ? sql`acc a CROSS JOIN LATERAL (SELECT * FROM arrangements r WHERE r.borrower_id = a.borrower_id AND r.loan_id = a.loan_id AND r.status <> 'proposed' OFFSET 0) r`
    : sql`arrangements r JOIN acc a ON a.borrower_id = r.borrower_id AND a.loan_id = r.loan_id WHERE ${inRange('r.borrower_id')} AND r.status <> 'proposed'`;
  const outcomes = byKey
    ? sql`who w CROSS JOIN LATERAL (SELECT * FROM contact_outcomes o WHERE o.borrower_id = w.borrower_id AND o.occurred_at >= ${historySince}::date OFFSET 0) o`
    : sql`contact_outcomes o JOIN who w ON w.borrower_id = o.borrower_id WHERE ${inRange('o.borrower_id')} AND o.occurred_at >= ${historySince}::date`;
  return sql`
      -- Each channel's point, kept on the borrower (migrations/0034): the contact points themselves are not read.
      'points', (SELECT json_build_array(${columnsOf(['borrower_id', 'point_by_channel'], ['point_by_channel'])}) FROM (
                   SELECT borrower_id, point_by_channel FROM who ORDER BY borrower_id) q),
      'contacts', (SELECT doc FROM contacts_part),
      'arrangements', (SELECT json_build_array(${columnsOf(['loan_id', 'status', 'kind', 'missed_payments'])}) FROM (
                         SELECT DISTINCT ON (r.loan_id) r.loan_id, r.status, r.kind, r.missed_payments
                         FROM ${arrangements}
                         ORDER BY r.loan_id, r.starts_on DESC, r.arrangement_id DESC) q),
      'outcomes', (SELECT json_build_array(${columnsOf(['borrower_id', 'loan_id', 'channel', 'party', 'outcome', 'days_ago'])}) FROM (
                     -- The borrower's local day, as days before asOf.
                     SELECT o.borrower_id, o.loan_id, o.channel, o.party, o.outcome, ${asOf}::date - (o.occurred_at AT TIME ZONE w.time_zone)::date AS days_ago
                     FROM ${outcomes}
                     ORDER BY o.borrower_id, o.occurred_at, o.outcome_id) q
                   WHERE days_ago >= 0)`;
}

/** The contact facts of the given accounts of a chunk, which come as arrays. */
function contactsQuery(scope: FactsScope, accounts: ContactScope): RawBuilder<unknown> {
  return sql`
    WITH acc AS MATERIALIZED (SELECT * FROM unnest(${integerArrayLiteral(accounts.borrowerOfLoan)}::bigint[], ${integerArrayLiteral(accounts.loans)}::bigint[]) AS a(borrower_id, loan_id)),
    who AS MATERIALIZED (SELECT w.borrower_id, w.time_zone, b.contact_point_by_channel AS point_by_channel
                         FROM unnest(${integerArrayLiteral(accounts.borrowers)}::bigint[], ${textArrayLiteral(accounts.timeZones)}::text[]) AS w(borrower_id, time_zone)
                         JOIN borrowers b ON b.borrower_id = w.borrower_id),
    ${contactsPart(scope, sql`(SELECT * FROM unnest(${integerArrayLiteral(accounts.withEmergencyContacts)}::bigint[]) AS w(borrower_id))`)}
    SELECT json_build_object(${contactParts(scope)})::text AS facts, json_build_object('contacts', (SELECT texts FROM contacts_part))::text AS texts`;
}

interface ChannelTally {
  failedInRow: number;
  lastResponseOn: string | null;
  firstContactOn: string | null;
  lastContactOn: string | null;
}

/** The last day a message or call to the borrower was planned, from the account's step history rows. */
function lastContactOf(h: HistoryColumns, [start, end]: readonly [number, number]): string | null {
  let lastContactOn: string | null = null;
  for (let i = start; i < end; i++) {
    if (h.party[i] !== 'borrower' || h.channel[i] === null) continue;
    lastContactOn = lastContactOn === null ? h.lastOn[i] : maxDate(lastContactOn, h.lastOn[i]);
  }
  return lastContactOn;
}

/**
 * The account's contact facts from its outcomes and its planned contacts (both oldest first): per
 * channel, failures in a row since the last success, the last response and the first and last contact
 * of the current episode; overall, refusals, self-initiated contacts, the last response, and contacts
 * left unanswered since. Outcomes of the borrower's other loans are left out.
 */
function contactFacts(c: ContactColumns, asOf: string, loanId: number, points: readonly [number, number], outcomes: readonly [number, number], h: HistoryColumns, history: readonly [number, number]) {
  const tallies = new Map<string, ChannelTally>();
  const tally = (channel: string): ChannelTally => {
    let t = tallies.get(channel);
    if (!t) tallies.set(channel, (t = { failedInRow: 0, lastResponseOn: null, firstContactOn: null, lastContactOn: null }));
    return t;
  };
  let refusals = 0;
  let selfInitiatedContacts = 0;
  let lastResponseOn: string | null = null;
  for (let i = outcomes[0]; i < outcomes[1]; i++) {
    if (c.outcomeLoan[i] !== null && c.outcomeLoan[i] !== loanId) continue;
    const outcome = c.outcome[i];
    const day = c.outcomeDay[i];
    if (outcome === 'refused') refusals++;
    else if (outcome === 'self_initiated') selfInitiatedContacts++;
    if (c.outcomeParty[i] !== 'borrower') continue;
    const t = tally(c.outcomeChannel[i]);
    if (FAILURE_OUTCOMES.has(outcome)) t.failedInRow++;
    else if (SUCCESS_OUTCOMES.has(outcome)) t.failedInRow = 0;
    if (RESPONSE_OUTCOMES.has(outcome)) {
      t.lastResponseOn = day;
      lastResponseOn = lastResponseOn === null ? day : maxDate(lastResponseOn, day);
    }
  }
  for (let i = history[0]; i < history[1]; i++) {
    const channel = h.channel[i];
    if (h.party[i] !== 'borrower' || channel === null) continue;
    const lastOn = h.lastOn[i];
    const daysAgo = h.episodeDaysAgo[i];
    if (daysAgo === null) continue;
    const t = tally(channel);
    const first = addDays(asOf, -maxOf(daysAgo));
    t.firstContactOn = t.firstContactOn === null ? first : minDate(t.firstContactOn, first);
    t.lastContactOn = t.lastContactOn === null ? lastOn : maxDate(t.lastContactOn, lastOn);
  }
  const channels = {} as Record<Channel, ChannelFacts>;
  const pointByChannel = points[0] < points[1] ? c.pointByChannel[points[0]] : null;
  for (let n = 0; n < CHANNELS.length; n++) {
    const channel = CHANNELS[n];
    const point = pointByChannel?.[n] ?? null;
    const t = tallies.get(channel);
    const failedInRow = t?.failedInRow ?? 0;
    channels[channel] = {
      reachable: point !== null && failedInRow < UNREACHABLE_AFTER_FAILURES,
      contactPointId: point,
      firstContactOn: t?.firstContactOn ?? null,
      lastContactOn: t?.lastContactOn ?? null,
      failedAttemptsInRow: failedInRow,
      lastResponseOn: t?.lastResponseOn ?? null,
    };
  }
  return { channels, refusals, selfInitiatedContacts, lastResponseOn, unansweredContacts: unansweredSince(h, history, lastResponseOn, asOf) };
}

/**
 * Each step's last firing and the number of distinct days it fired in the current episode. A step's
 * rows (one per channel and party) come together.
 */
function stepHistoryOf(h: HistoryColumns, [start, end]: readonly [number, number]): AccountFacts['stepHistory'] {
  const stepHistory: AccountFacts['stepHistory'] = {};
  for (let i = start; i < end; ) {
    const strategy = h.strategy[i];
    const step = h.step[i];
    let j = i + 1;
    while (j < end && h.strategy[j] === strategy && h.step[j] === step) j++;
    let last = h.lastOn[i];
    for (let k = i + 1; k < j; k++) if (h.lastOn[k] > last) last = h.lastOn[k];
    stepHistory[stepHistoryKey(strategy, step)] = { lastFiredOn: last, timesInEpisode: distinctDays(h.episodeDaysAgo, i, j) };
    i = j;
  }
  return stepHistory;
}

/** Distinct days over rows [from, to) of day lists (one row of one day, the common case, needs no set). */
function distinctDays(lists: HistoryColumns['episodeDaysAgo'], from: number, to: number): number {
  if (to - from === 1) {
    const days = lists[from];
    if (days === null || days.length <= 1) return days?.length ?? 0;
  }
  const days = new Set<number>();
  for (let r = from; r < to; r++) for (const day of lists[r] ?? []) days.add(day);
  return days.size;
}

/** The dates of a column of days before asOf (an empty list for a part without rows). */
function datesBefore(asOf: string, daysAgo: readonly number[] | null): string[] {
  return (daysAgo ?? []).map((n) => addDays(asOf, -n));
}

function maxOf(values: readonly number[]): number {
  let max = values[0];
  for (let k = 1; k < values.length; k++) if (values[k] > max) max = values[k];
  return max;
}

/** Adds an account let through by the screen to the scope of the contact facts statement (accounts come by borrower). */
function addToContactScope(accounts: ContactScope, scope: FactsScope, core: AccountCoreFacts): void {
  accounts.borrowerOfLoan.push(core.borrowerId);
  accounts.loans.push(core.loanId);
  // Accounts come by borrower: a borrower's loans are next to each other.
  if (accounts.borrowers.at(-1) !== core.borrowerId) {
    accounts.borrowers.push(core.borrowerId);
    accounts.timeZones.push(core.timeZone);
  }
  if (accounts.withEmergencyContacts.at(-1) !== core.borrowerId && needsEmergencyContacts(scope, core.dpd)) accounts.withEmergencyContacts.push(core.borrowerId);
}

/** The accounts part by column name, each a list in row order. */
type AccountColumns = { readonly [name in AccountColumn]: unknown[] };

function accountColumnsOf(part: Part): AccountColumns {
  return Object.fromEntries(ACCOUNT_COLUMNS.map(([name], i) => [name, column(part, i)])) as AccountColumns;
}

/** A chunk's account facts parts, read by column (coreFactsAt). */
interface CoreParts {
  asOf: string;
  accounts: AccountColumns;
  history: HistoryColumns;
  historyOf: Map<number, readonly [number, number]>;
  events: { of: Map<number, readonly [number, number]>; id: number[]; kind: AccountEventKind[]; on: string[] };
  promises: { of: Map<number, readonly [number, number]>; kept: number[]; broken: number[]; openDue: Array<string | null>; openAmount: Array<number | null> };
}

/** A date given as days before asOf (null stays null). */
function dateBefore(asOf: string, daysAgo: number | null): string | null {
  return daysAgo === null ? null : addDays(asOf, -daysAgo);
}

/** An account's contact facts until they are loaded (contactFactsReader fills them in). */
const NOT_LOADED = {
  channels: null as unknown as AccountFacts['channels'],
  arrangement: Object.freeze({ status: null, kind: null, missedPayments: 0 }) as AccountFacts['arrangement'],
  emergencyContacts: Object.freeze([]) as unknown as AccountFacts['emergencyContacts'],
};

/**
 * The account facts of one row of the accounts part. A function of its own, apart from the loop over
 * the rows: the optimizing compiler then handles two small functions instead of one large one. The
 * object has every field of AccountFacts from the start, the contact facts as placeholders the screen
 * does not read, so that loading them fills fields in place: every account's object keeps one shape,
 * which keeps the evaluator's property reads fast.
 */
function coreFactsAt(p: CoreParts, row: number): AccountFacts {
  const { asOf, accounts: a } = p;
  const loanId = a.loan_id[row] as number;
  const history = p.historyOf.get(loanId) ?? NO_ROWS;
  const [eventsFrom, eventsTo] = p.events.of.get(loanId) ?? NO_ROWS;
  const events: AccountFacts['events'] = [];
  for (let i = eventsFrom; i < eventsTo; i++) events.push({ eventId: p.events.id[i], kind: p.events.kind[i], occurredOn: p.events.on[i] });
  const promise = p.promises.of.get(loanId)?.[0];
  const openDue = promise === undefined ? null : p.promises.openDue[promise];
  return {
    borrowerId: a.borrower_id[row] as number,
    loanId,
    accountKey: a.external_id[row] as string,
    borrowerName: a.name[row] as string,
    locale: a.locale[row] as string,
    timeZone: a.time_zone[row] as string,
    productId: a.product_id[row] as string,
    jurisdiction: a.jurisdiction[row] as string,
    currency: (a.currency[row] as string).trim(),
    asOf,
    dpd: a.dpd[row] as number,
    bucket: a.bucket[row] as AccountFacts['bucket'],
    overdueMinor: a.overdue_minor[row] as number,
    // The late fee is summed once, in the database; the outstanding amount adds it here.
    outstandingMinor: (a.outstanding_before_fees[row] as number) + (a.late_fee_minor[row] as number),
    lateFeeMinor: a.late_fee_minor[row] as number,
    oldestUnpaidDue: dateBefore(asOf, a.oldest_unpaid_due[row] as number | null),
    nextDueDate: dateBefore(asOf, a.next_due_date[row] as number | null),
    nextDueMinor: a.next_due_minor[row] as number,
    isRepeat: a.is_repeat[row] as boolean,
    graceDays: a.grace_days[row] as number,
    delinquentSince: dateBefore(asOf, a.delinquent_since[row] as number | null),
    riskBand: a.risk_band[row] as AccountFacts['riskBand'],
    flags: a.flags[row] as AccountFacts['flags'],
    preferredChannel: (a.preferred_channel[row] as Channel | null) ?? null,
    channelsWithPoint: channelsOfMask(a.channels_with_point[row] as number),
    lastContactOn: lastContactOf(p.history, history),
    events,
    stepHistory: stepHistoryOf(p.history, history),
    promises: {
      kept: promise === undefined ? 0 : p.promises.kept[promise],
      broken: promise === undefined ? 0 : p.promises.broken[promise],
      open: openDue ? { dueOn: openDue, amountMinor: p.promises.openAmount[promise!] ?? 0 } : null,
    },
    channels: NOT_LOADED.channels,
    emergencyContacts: NOT_LOADED.emergencyContacts,
    arrangement: NOT_LOADED.arrangement,
    refusals: 0,
    selfInitiatedContacts: 0,
    lastResponseOn: null,
    unansweredContacts: 0,
  };
}

/** Runs a facts statement and parses its document. */
async function runFactsQuery<T>(db: Executor, query: RawBuilder<unknown>): Promise<T> {
  const result = await sql<{ facts: string; texts: string }>`${query}`.execute(db);
  const doc = JSON.parse(result.rows[0].facts) as Record<string, Part>;
  // The free-text columns back in their places (FREE_TEXT); a part without rows has them as nulls.
  const texts = JSON.parse(result.rows[0].texts) as Record<string, Record<string, unknown[] | null>>;
  for (const [part, columns] of Object.entries(texts)) for (const [index, values] of Object.entries(columns)) doc[part][Number(index)] = values;
  return doc as T;
}

/** Every in-scope account of the chunk with all its facts (explain, diff, tests). */
export async function gatherFacts(db: Executor, scope: FactsScope): Promise<AccountFacts[]> {
  return (await gatherScreenedFacts(db, scope, () => true, 'with-accounts')).facts;
}

/**
 * When the contact facts are loaded: with the account facts, in the same statement, for every account
 * in scope; or after the screen, in a second statement, for the accounts it lets through only. The
 * second statement pays off when the screen rules out many accounts (on a day after the first, a third
 * to a half); when it rules out few (a portfolio's first day), one statement for all is cheaper.
 */
export type ContactFactsLoading = 'with-accounts' | 'after-screen';

/**
 * How the account facts statement reads the rows of the accounts it loads. By range: it joins the
 * chunk's ranges of states, loans and borrowers, and tells the accounts at rest from the others after
 * the joins (cheapest when few rest: a portfolio's first day). Awake by key: it finds the accounts in
 * scope and those at rest from the states and loans alone, and reads the rows of the others by key,
 * their contact facts loaded with them too (cheapest when most rest, as on the days after the first:
 * the chunk's borrowers, emergency contacts and contact outcomes are not read in range, nor the columns
 * of the accounts at rest computed). The same facts either way.
 */
export type AccountsReading = 'by-range' | 'awake-by-key';

/**
 * The facts of the chunk's in-scope accounts that pass the screen; the others are only counted
 * (visitScreenedFacts, gathered in a list).
 */
export async function gatherScreenedFacts(
  db: Executor, scope: FactsScope, screen: (core: AccountCoreFacts) => boolean, loading: ContactFactsLoading, reading: AccountsReading = 'by-range',
): Promise<{ facts: AccountFacts[]; screenedOut: number; atRest: number }> {
  const facts: AccountFacts[] = [];
  const counts = await visitScreenedFacts(db, scope, screen, (f) => { facts.push(f); }, loading, reading);
  return { facts, ...counts };
}

/**
 * Hands each in-scope account of the chunk that passes the screen, with all its facts, to visit, in
 * the order of the accounts (by borrower, then loan), as soon as they are complete; the others are
 * only counted. No list of the accounts' objects is kept: the daily cycle plans and serializes each
 * account's actions as it comes, so its facts die young. The account facts statement runs with
 * nested-loop joins off: its side queries each read a chunk's range of one table for a few thousand
 * accounts, and the planner, which cannot see how many rows the accounts CTE holds, would pick a
 * nested loop of index probes per account, slower than hashing the range. The contact facts statement
 * that follows the screen receives its accounts as arrays whose length the planner sees, and chooses
 * well: probes for the few accounts a screened chunk keeps (18 against 36 ms hashing).
 */
export async function visitScreenedFacts(
  db: Executor, scope: FactsScope, screen: (core: AccountCoreFacts) => boolean, visit: (facts: AccountFacts) => void,
  loading: ContactFactsLoading, reading: AccountsReading = 'by-range',
): Promise<{ screenedOut: number; atRest: number }> {
  const { asOf } = scope;
  const withAccounts = loading === 'with-accounts';
  const g = await withPlannerSettings(db, { enable_nestloop: 'off' }, (trx) =>
    runFactsQuery<AccountParts & Partial<ContactParts>>(trx, accountsQuery(scope, withAccounts, reading)));
  const accounts = accountColumnsOf(g.accounts);
  const rows = accounts.loan_id.length;
  const atRest = Number(g.atRest);
  if (rows === 0) return { screenedOut: 0, atRest };

  const historyOf = rangesBy(g.history, 0);
  const [, hStrategy, hStep, hChannel, hParty, hLastOn, hEpisodeDays] = g.history;
  const h = {
    strategy: hStrategy ?? [], step: hStep ?? [], channel: hChannel ?? [], party: hParty ?? [],
    lastOn: datesBefore(asOf, hLastOn as number[] | null), episodeDaysAgo: hEpisodeDays ?? [],
  } as HistoryColumns;
  const [, eId, eKind, eOn] = g.events as Array<unknown[]>;
  const [, rKept, rBroken, rOpenDue, rOpenAmount] = g.promises as Array<unknown[]>;
  const parts: CoreParts = {
    asOf, accounts, history: h, historyOf,
    events: { of: rangesBy(g.events, 0), id: eId as number[], kind: eKind as AccountEventKind[], on: eOn as string[] },
    promises: { of: rangesBy(g.promises, 0), kept: rKept as number[], broken: rBroken as number[], openDue: rOpenDue as Array<string | null>, openAmount: rOpenAmount as Array<number | null> },
  };
  // Contact facts fill their account's object: one object per account whatever the loading.
  const complete = (k: ContactParts) => contactFactsReader(asOf, k, h, historyOf);
  if (withAccounts) {
    // Each account is screened as soon as its facts are built, and visited if it passes.
    const withContacts = complete(g as AccountParts & ContactParts);
    let screenedOut = 0;
    for (let row = 0; row < rows; row++) {
      const facts = withContacts(coreFactsAt(parts, row));
      if (screen(facts)) visit(facts);
      else screenedOut++;
    }
    return { screenedOut, atRest };
  }
  // After the screen: what the contact facts statement needs of the accounts it lets through is kept,
  // not their objects, which are built again once their contact facts are in.
  const passed: number[] = [];
  const contactScope: ContactScope = { borrowerOfLoan: [], loans: [], borrowers: [], withEmergencyContacts: [], timeZones: [] };
  for (let row = 0; row < rows; row++) {
    const core = coreFactsAt(parts, row);
    if (!screen(core)) continue;
    passed.push(row);
    addToContactScope(contactScope, scope, core);
  }
  const screenedOut = rows - passed.length;
  if (passed.length === 0) return { screenedOut, atRest };
  const withContacts = complete(await runFactsQuery<ContactParts>(db, contactsQuery(scope, contactScope)));
  for (const row of passed) visit(withContacts(coreFactsAt(parts, row)));
  return { screenedOut, atRest };
}

/** Fills an account's contact facts in from the contact parts (and its step history rows). */
function contactFactsReader(asOf: string, k: ContactParts, h: HistoryColumns, historyOf: Map<number, readonly [number, number]>): (core: AccountCoreFacts) => AccountFacts {
  const pointsOf = rangesBy(k.points, 0);
  const contactsOf = rangesBy(k.contacts, 0);
  const arrangementOf = rangesBy(k.arrangements, 0);
  const outcomesOf = rangesBy(k.outcomes, 0);
  const [, pByChannel] = k.points;
  const [, oLoan, oChannel, oParty, oOutcome, oDay] = k.outcomes;
  const c = {
    pointByChannel: pByChannel ?? [],
    outcomeLoan: oLoan ?? [], outcomeChannel: oChannel ?? [], outcomeParty: oParty ?? [], outcome: oOutcome ?? [],
    outcomeDay: datesBefore(asOf, oDay as number[] | null),
  } as ContactColumns;
  const [, cId, cName, cRelation, cUsable] = k.contacts as Array<unknown[]>;
  const [, aStatus, aKind, aMissed] = k.arrangements as Array<unknown[]>;

  return (core) => {
    const { borrowerId, loanId } = core;
    const history = historyOf.get(loanId) ?? NO_ROWS;
    const [contactsFrom, contactsTo] = contactsOf.get(borrowerId) ?? NO_ROWS;
    const arrangement = arrangementOf.get(loanId)?.[0];
    const emergencyContacts: AccountFacts['emergencyContacts'] = [];
    for (let i = contactsFrom; i < contactsTo; i++) {
      emergencyContacts.push({ contactId: cId[i] as number, name: cName[i] as string, relation: cRelation[i] as string, usable: cUsable[i] as boolean });
    }
    // coreFactsAt made the object with every field: filled in place, it keeps its shape.
    const facts = core as AccountFacts;
    const tally = contactFacts(c, core.asOf, loanId, pointsOf.get(borrowerId) ?? NO_ROWS, outcomesOf.get(borrowerId) ?? NO_ROWS, h, history);
    facts.channels = tally.channels;
    facts.refusals = tally.refusals;
    facts.selfInitiatedContacts = tally.selfInitiatedContacts;
    facts.lastResponseOn = tally.lastResponseOn;
    facts.unansweredContacts = tally.unansweredContacts;
    facts.emergencyContacts = emergencyContacts;
    if (arrangement !== undefined) {
      facts.arrangement = {
        status: aStatus[arrangement] as AccountFacts['arrangement']['status'],
        kind: aKind[arrangement] as string | null,
        missedPayments: (aMissed[arrangement] as number | null) ?? 0,
      };
    }
    return facts;
  };
}
