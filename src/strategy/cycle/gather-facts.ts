// Loads the AccountFacts of every in-scope account of one chunk of borrowers, set-based: one statement
// per chunk whatever its size, never one per account.
import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import type { DB } from '../../platform/db/types.ts';
import { addDays, maxDate, minDate } from '../../platform/core/calendar.ts';
import { CONTACT_KIND_OF_CHANNEL } from '../../ledger/index.ts';
import {
  CHANNELS, type AccountFacts, type AccountEventKind, type Channel, type ChannelFacts,
} from '../core/facts.ts';

type Executor = Kysely<DB> | Transaction<DB>;

export interface FactsScope {
  asOf: string;
  loBorrowerId: number;
  hiBorrowerId: number;
  /** Accounts current today but with an instalment due within this many days are in scope… */
  maxPreDueDays: number;
  /** …or within this many for the products listed (the strategies they can follow remind earlier or not at all). */
  preDueDaysByProduct?: Record<string, number>;
  /** Events older than this many days are no longer offered to event steps. */
  eventLookbackDays?: number;
  /** Restrict to these loans (explain, diff samples); otherwise every in-scope account of the range. */
  loanIds?: number[];
}

/** Failures in a row at or past this count make a channel unreachable (失联 on that channel). */
export const UNREACHABLE_AFTER_FAILURES = 3;
const HISTORY_DAYS = 120;
const FAILURE_OUTCOMES = new Set(['bounced', 'no_answer']);
const SUCCESS_OUTCOMES = new Set(['delivered', 'answered', 'responded', 'right_party_contact', 'self_initiated', 'refused']);
const RESPONSE_OUTCOMES = new Set(['answered', 'responded', 'right_party_contact', 'self_initiated', 'refused']);

/** The in-scope account's columns, in the order they travel (positional JSON arrays). */
const ACCOUNT_COLUMNS = [
  ['borrower_id', 's'], ['loan_id', 's'], ['external_id', 'l'], ['product_id', 'l'], ['currency', 'l'], ['jurisdiction', 'p'],
  ['name', 'b'], ['locale', 'b'], ['time_zone', 'b'], ['flags', 'b'], ['risk_band', 'b'], ['preferred_channel', 'b'],
  ['dpd', 's'], ['bucket', 's'], ['overdue_minor', 's'], ['outstanding_minor', 's'], ['late_fee_minor', 's'], ['oldest_unpaid_due', 's'],
  ['next_due_date', 's'], ['next_due_minor', 's'], ['is_repeat', 's'], ['grace_days', 's'], ['delinquent_since', 's'],
] as const;
type AccountColumn = (typeof ACCOUNT_COLUMNS)[number][0];
const accountColumns = sql.raw(ACCOUNT_COLUMNS.map(([name, table]) => `${table}.${name}`).join(', '));
const accountFields = sql.raw(ACCOUNT_COLUMNS.map(([name]) => `a.${name}`).join(', '));
const A = Object.fromEntries(ACCOUNT_COLUMNS.map(([name], i) => [name, i])) as Record<AccountColumn, number>;
type AccountRow = unknown[];

// Side rows travel as JSON arrays (positional), far cheaper to build, send and parse than objects.
type PointRow = [borrowerId: number, contactPointId: number, kind: string, consent: string[]];
type ContactRow = [borrowerId: number, contactId: number, name: string, relation: string, usable: boolean];
type PromiseRow = [loanId: number, kept: number, broken: number, openDue: string | null, openAmount: number | null];
type ArrangementRow = [loanId: number, status: string, kind: string, missedPayments: number];
type OutcomeRow = [borrowerId: number, loanId: number | null, channel: string, party: string, outcome: string, day: string];
/** Actions per loan, strategy, step, channel and party: last day, and the days in the current episode. */
type HistoryRow = [loanId: number, strategyId: string, stepId: string, channel: string | null, party: string, lastOn: string, episodeDays: string[] | null];
type EventRow = [loanId: number, eventId: number, kind: string, occurredOn: string];

interface Gathered {
  accounts: AccountRow[];
  points: PointRow[];
  contacts: ContactRow[];
  promises: PromiseRow[];
  arrangements: ArrangementRow[];
  outcomes: OutcomeRow[];
  history: HistoryRow[];
  events: EventRow[];
}

/** Borrower contacts in the current episode after the borrower's last response (all of them when none). */
function unansweredSince(history: readonly HistoryRow[], lastResponseOn: string | null): number {
  let n = 0;
  for (const [, , , channel, party, , episodeDays] of history) {
    if (party !== 'borrower' || channel === null || episodeDays === null) continue;
    for (const day of episodeDays) if (lastResponseOn === null || day > lastResponseOn) n++;
  }
  return n;
}

/**
 * One statement per chunk: the in-scope accounts (a materialised CTE) and everything the evaluator
 * needs about them from seven other tables, returned as one JSON document. The side queries join the
 * accounts set instead of receiving id lists, and the chunk's range lets the planner use index range
 * scans for each of them.
 */
function factsQuery(scope: FactsScope): RawBuilder<unknown> {
  const { asOf, loBorrowerId: lo, hiBorrowerId: hi } = scope;
  const eventsSince = addDays(asOf, -(scope.eventLookbackDays ?? 7));
  const historySince = addDays(asOf, -HISTORY_DAYS);
  const inRange = (column: string) => sql`${sql.ref(column)} >= ${lo} AND ${sql.ref(column)} < ${hi}`;
  const loanFilter = scope.loanIds ? sql`AND s.loan_id = ANY(${scope.loanIds}::bigint[])` : sql``;
  const widestPreDue = Math.max(scope.maxPreDueDays, ...Object.values(scope.preDueDaysByProduct ?? {}));
  return sql`
    WITH acc AS MATERIALIZED (
      SELECT ${accountColumns}
      FROM (SELECT s.*, (s.borrower_id, s.loan_id) IN (SELECT e.borrower_id, e.loan_id FROM account_events e
                                                       WHERE ${inRange('e.borrower_id')} AND e.occurred_on > ${eventsSince}::date
                                                         AND e.occurred_on <= ${asOf}::date) AS has_event
            FROM account_states s WHERE ${inRange('s.borrower_id')} ${loanFilter}) s
      JOIN loans l ON l.borrower_id = s.borrower_id AND l.loan_id = s.loan_id
      JOIN borrowers b ON b.borrower_id = s.borrower_id
      JOIN products p ON p.id = l.product_id
      WHERE ${inRange('l.borrower_id')} AND ${inRange('b.borrower_id')} AND l.status = 'active'
        -- In scope: delinquent, due soon, or with a recent event. The first test (the widest pre-due
        -- window of any product) runs on the states alone, before any join.
        AND (s.dpd > 0 OR s.next_due_date <= ${asOf}::date + ${widestPreDue}::int OR s.has_event)
        AND (s.dpd > 0 OR s.has_event
             OR s.next_due_date <= ${asOf}::date
                                   + coalesce((${JSON.stringify(scope.preDueDaysByProduct ?? {})}::jsonb ->> l.product_id)::int, ${scope.maxPreDueDays}))
    ),
    who AS MATERIALIZED (SELECT DISTINCT borrower_id, time_zone FROM acc)
    SELECT json_build_object(
      'accounts', (SELECT coalesce(json_agg(json_build_array(${accountFields}) ORDER BY a.borrower_id, a.loan_id), '[]') FROM acc a),
      'points', (SELECT coalesce(json_agg(json_build_array(c.borrower_id, c.contact_point_id, c.kind, c.consent)
                                          ORDER BY c.borrower_id, c.is_primary DESC, c.contact_point_id), '[]')
                 FROM contact_points c JOIN who w ON w.borrower_id = c.borrower_id
                 WHERE ${inRange('c.borrower_id')} AND c.status = 'active'),
      'contacts', (SELECT coalesce(json_agg(json_build_array(c.borrower_id, c.contact_id, c.name, c.relation,
                                                             c.status = 'active' AND c.consent_at IS NOT NULL)
                                            ORDER BY c.borrower_id, c.contact_id), '[]')
                   FROM emergency_contacts c JOIN who w ON w.borrower_id = c.borrower_id
                   WHERE ${inRange('c.borrower_id')}),
      'promises', (SELECT coalesce(json_agg(json_build_array(loan_id, kept, broken, open_due, open_amount)), '[]') FROM (
                     SELECT r.loan_id,
                            count(*) FILTER (WHERE r.status = 'kept') AS kept,
                            count(*) FILTER (WHERE r.status = 'broken') AS broken,
                            min(r.due_on) FILTER (WHERE r.status = 'open' AND r.due_on >= ${asOf}::date) AS open_due,
                            (array_agg(r.amount_minor ORDER BY r.due_on) FILTER (WHERE r.status = 'open' AND r.due_on >= ${asOf}::date))[1] AS open_amount
                     FROM promises r JOIN acc a ON a.borrower_id = r.borrower_id AND a.loan_id = r.loan_id
                     WHERE ${inRange('r.borrower_id')}
                     GROUP BY r.loan_id) q),
      'arrangements', (SELECT coalesce(json_agg(json_build_array(loan_id, status, kind, missed_payments)), '[]') FROM (
                         SELECT DISTINCT ON (r.loan_id) r.loan_id, r.status, r.kind, r.missed_payments
                         FROM arrangements r JOIN acc a ON a.borrower_id = r.borrower_id AND a.loan_id = r.loan_id
                         WHERE ${inRange('r.borrower_id')} AND r.status <> 'proposed'
                         ORDER BY r.loan_id, r.starts_on DESC, r.arrangement_id DESC) q),
      'outcomes', (SELECT coalesce(json_agg(json_build_array(borrower_id, loan_id, channel, party, outcome, day)
                                            ORDER BY borrower_id, occurred_at, outcome_id), '[]') FROM (
                     SELECT o.borrower_id, o.loan_id, o.channel, o.party, o.outcome, o.occurred_at, o.outcome_id,
                            (o.occurred_at AT TIME ZONE w.time_zone)::date AS day
                     FROM contact_outcomes o JOIN who w ON w.borrower_id = o.borrower_id
                     WHERE ${inRange('o.borrower_id')} AND o.occurred_at >= ${historySince}::date) q
                   WHERE day <= ${asOf}::date),
      'history', (SELECT coalesce(json_agg(json_build_array(loan_id, strategy_id, step_id, channel, party, last_on, episode_days)), '[]') FROM (
                    SELECT x.loan_id, x.strategy_id, x.step_id, x.channel, x.party, max(x.as_of) AS last_on,
                           array_agg(x.as_of ORDER BY x.as_of) FILTER (WHERE x.as_of >= a.delinquent_since) AS episode_days
                    FROM actions x JOIN acc a ON a.borrower_id = x.borrower_id AND a.loan_id = x.loan_id
                    WHERE ${inRange('x.borrower_id')} AND x.as_of >= ${historySince}::date AND x.as_of <= ${asOf}::date
                      AND x.status NOT IN ('cancelled', 'blocked')
                    -- In the order of the actions_history index: an index-only scan, no sort.
                    GROUP BY x.borrower_id, x.loan_id, x.strategy_id, x.step_id, x.channel, x.party) q),
      'events', (SELECT coalesce(json_agg(json_build_array(e.loan_id, e.event_id, e.kind, e.occurred_on)
                                          ORDER BY e.loan_id, e.occurred_on, e.event_id), '[]')
                 FROM account_events e JOIN acc a ON a.borrower_id = e.borrower_id AND a.loan_id = e.loan_id
                 WHERE ${inRange('e.borrower_id')} AND e.occurred_on > ${eventsSince}::date AND e.occurred_on <= ${asOf}::date
                   AND e.kind <> 'payment_posted')
    )::text AS facts`;
}

interface ChannelTally {
  failedInRow: number;
  lastResponseOn: string | null;
  firstContactOn: string | null;
  lastContactOn: string | null;
}

/**
 * The account's contact facts from its outcomes and its planned contacts (both oldest first): per
 * channel, failures in a row since the last success, the last response and the first and last contact
 * of the current episode; overall, refusals, self-initiated contacts, the last contact and response,
 * and contacts left unanswered since.
 */
function contactFacts(points: readonly PointRow[], outcomes: readonly OutcomeRow[], history: readonly HistoryRow[]) {
  const tallies = new Map<string, ChannelTally>();
  const tally = (channel: string): ChannelTally => {
    let t = tallies.get(channel);
    if (!t) tallies.set(channel, (t = { failedInRow: 0, lastResponseOn: null, firstContactOn: null, lastContactOn: null }));
    return t;
  };
  let refusals = 0;
  let selfInitiatedContacts = 0;
  let lastResponseOn: string | null = null;
  for (const [, , channel, party, outcome, day] of outcomes) {
    if (outcome === 'refused') refusals++;
    else if (outcome === 'self_initiated') selfInitiatedContacts++;
    if (party !== 'borrower') continue;
    const t = tally(channel);
    if (FAILURE_OUTCOMES.has(outcome)) t.failedInRow++;
    else if (SUCCESS_OUTCOMES.has(outcome)) t.failedInRow = 0;
    if (RESPONSE_OUTCOMES.has(outcome)) {
      t.lastResponseOn = day;
      lastResponseOn = lastResponseOn === null ? day : maxDate(lastResponseOn, day);
    }
  }
  let lastContactOn: string | null = null;
  for (const [, , , channel, party, lastOn, episodeDays] of history) {
    if (party !== 'borrower' || channel === null) continue;
    lastContactOn = lastContactOn === null ? lastOn : maxDate(lastContactOn, lastOn);
    if (episodeDays === null) continue;
    const t = tally(channel);
    t.firstContactOn = t.firstContactOn === null ? episodeDays[0] : minDate(t.firstContactOn, episodeDays[0]);
    t.lastContactOn = t.lastContactOn === null ? lastOn : maxDate(t.lastContactOn, lastOn);
  }
  const channels = {} as Record<Channel, ChannelFacts>;
  for (const channel of CHANNELS) {
    const kind = CONTACT_KIND_OF_CHANNEL[channel];
    const point = points.find((p) => p[2] === kind && p[3].includes(channel));
    const t = tallies.get(channel);
    const failedInRow = t?.failedInRow ?? 0;
    channels[channel] = {
      reachable: point !== undefined && failedInRow < UNREACHABLE_AFTER_FAILURES,
      contactPointId: point?.[1] ?? null,
      firstContactOn: t?.firstContactOn ?? null,
      lastContactOn: t?.lastContactOn ?? null,
      failedAttemptsInRow: failedInRow,
      lastResponseOn: t?.lastResponseOn ?? null,
    };
  }
  return { channels, refusals, selfInitiatedContacts, lastContactOn, lastResponseOn, unansweredContacts: unansweredSince(history, lastResponseOn) };
}

/** Each step's last firing and the number of distinct days it fired in the current episode. */
function stepHistoryOf(history: readonly HistoryRow[]): AccountFacts['stepHistory'] {
  const byStep = new Map<string, { last: string; days: Set<string> }>();
  for (const [, strategyId, stepId, , , lastOn, episodeDays] of history) {
    const key = `${strategyId}/${stepId}`;
    const entry = byStep.get(key) ?? { last: lastOn, days: new Set<string>() };
    if (lastOn > entry.last) entry.last = lastOn;
    for (const day of episodeDays ?? []) entry.days.add(day);
    byStep.set(key, entry);
  }
  const stepHistory: AccountFacts['stepHistory'] = {};
  for (const [key, { last, days }] of byStep) stepHistory[key] = { lastFiredOn: last, timesInEpisode: days.size };
  return stepHistory;
}

/**
 * Runs the facts statement with nested-loop joins off. Its side queries each read a chunk's range of
 * one table for a few thousand accounts; the planner cannot see how many rows the accounts CTE holds
 * and picks a nested loop of index probes per account, about a fifth slower than hashing the range.
 * The setting is local to the caller's transaction (one is opened when there is none) and restored.
 */
async function runFactsQuery(db: Executor, scope: FactsScope): Promise<string> {
  const run = async (trx: Transaction<DB>) => {
    await sql`SET LOCAL enable_nestloop = off`.execute(trx);
    const result = await sql<{ facts: string }>`${factsQuery(scope)}`.execute(trx);
    await sql`SET LOCAL enable_nestloop TO DEFAULT`.execute(trx);
    return result.rows[0].facts;
  };
  return db.isTransaction ? run(db as Transaction<DB>) : db.transaction().execute(run);
}

export async function gatherFacts(db: Executor, scope: FactsScope): Promise<AccountFacts[]> {
  const { asOf } = scope;
  const g = JSON.parse(await runFactsQuery(db, scope)) as Gathered;
  if (g.accounts.length === 0) return [];

  const pointsBy = Map.groupBy(g.points, (r) => r[0]);
  const contactsBy = Map.groupBy(g.contacts, (r) => r[0]);
  const promisesBy = new Map(g.promises.map((r) => [r[0], r]));
  const arrangementBy = new Map(g.arrangements.map((r) => [r[0], r]));
  const outcomesBy = Map.groupBy(g.outcomes, (r) => r[0]);
  const historyBy = Map.groupBy(g.history, (r) => r[0]);
  const eventsBy = Map.groupBy(g.events, (r) => r[0]);

  return g.accounts.map((row): AccountFacts => {
    const a = <T>(column: AccountColumn) => row[A[column]] as T;
    const borrowerId = a<number>('borrower_id');
    const loanId = a<number>('loan_id');
    const myOutcomes = (outcomesBy.get(borrowerId) ?? []).filter((o) => o[1] === null || o[1] === loanId);
    const myHistory = historyBy.get(loanId) ?? [];
    const { channels, ...contacts } = contactFacts(pointsBy.get(borrowerId) ?? [], myOutcomes, myHistory);
    const promise = promisesBy.get(loanId);
    const arrangement = arrangementBy.get(loanId);
    return {
      borrowerId,
      loanId,
      accountKey: a('external_id'),
      borrowerName: a('name'),
      locale: a('locale'),
      timeZone: a('time_zone'),
      productId: a('product_id'),
      jurisdiction: a('jurisdiction'),
      currency: a<string>('currency').trim(),
      asOf,
      dpd: a('dpd'),
      bucket: a('bucket'),
      overdueMinor: a('overdue_minor'),
      outstandingMinor: a('outstanding_minor'),
      lateFeeMinor: a('late_fee_minor'),
      oldestUnpaidDue: a('oldest_unpaid_due'),
      nextDueDate: a('next_due_date'),
      nextDueMinor: a('next_due_minor'),
      isRepeat: a('is_repeat'),
      graceDays: a('grace_days'),
      delinquentSince: a('delinquent_since'),
      riskBand: a('risk_band'),
      flags: a('flags'),
      preferredChannel: a<Channel | null>('preferred_channel') ?? null,
      channels,
      emergencyContacts: (contactsBy.get(borrowerId) ?? []).map(([, contactId, name, relation, usable]) => ({ contactId, name, relation, usable })),
      promises: {
        kept: promise?.[1] ?? 0,
        broken: promise?.[2] ?? 0,
        open: promise?.[3] ? { dueOn: promise[3], amountMinor: promise[4] ?? 0 } : null,
      },
      arrangement: {
        status: (arrangement?.[1] as AccountFacts['arrangement']['status']) ?? null,
        kind: arrangement?.[2] ?? null,
        missedPayments: arrangement?.[3] ?? 0,
      },
      ...contacts,
      events: (eventsBy.get(loanId) ?? []).map(([, eventId, kind, occurredOn]) => ({ eventId, kind: kind as AccountEventKind, occurredOn })),
      stepHistory: stepHistoryOf(myHistory),
    };
  });
}
