// Loads the AccountFacts of every in-scope account of one chunk of borrowers, set-based: a fixed
// handful of queries per chunk whatever its size, never one per account.
import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import type { DB } from '../../platform/db/types.ts';
import { addDays, maxDate, minDate } from '../../platform/core/calendar.ts';
import {
  CHANNELS, type AccountFacts, type AccountFlag, type AccountEventKind, type Channel, type ChannelFacts,
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
const CONTACT_KIND_OF: Record<Channel, string | null> = {
  sms: 'phone', call: 'phone', email: 'email', push: 'device', inapp: 'device', letter: null,
};

interface AccountRow {
  borrower_id: number; loan_id: number; external_id: string; product_id: string; currency: string;
  jurisdiction: string; name: string; locale: string; time_zone: string; flags: string[];
  risk_band: string | null; preferred_channel: string | null;
  dpd: number; bucket: string; overdue_minor: number; outstanding_minor: number; late_fee_minor: number;
  oldest_unpaid_due: string | null; next_due_date: string | null; next_due_minor: number;
  is_repeat: boolean; grace_days: number; delinquent_since: string | null;
}

const earliest = (days: string[]): string | null => (days.length ? days.reduce(minDate) : null);
const latest = (days: string[]): string | null => (days.length ? days.reduce(maxDate) : null);
/**
 * Runs a query and returns its rows through one JSON document: far cheaper for the client than
 * row-by-row decoding when a chunk returns tens of thousands of rows.
 */
async function jsonRows<T>(db: Executor, query: RawBuilder<unknown>): Promise<{ rows: T[] }> {
  const r = await sql<{ rows: string }>`SELECT coalesce(json_agg(q), '[]'::json)::text AS rows FROM (${query}) q`.execute(db);
  return { rows: JSON.parse(r.rows[0].rows) as T[] };
}

/** Borrower contacts in the current episode after the borrower's last response (all of them when none). */
function unansweredSince(history: Array<{ party: string; channel: string | null; episode_days: string[] | null }>, lastResponseOn: string | null): number {
  let n = 0;
  for (const h of history) {
    if (h.party !== 'borrower' || h.channel === null || h.episode_days === null) continue;
    for (const day of h.episode_days) if (lastResponseOn === null || day > lastResponseOn) n++;
  }
  return n;
}

const ids = (rows: Array<{ borrower_id: number }>) => [...new Set(rows.map((r) => r.borrower_id))];

export async function gatherFacts(db: Executor, scope: FactsScope): Promise<AccountFacts[]> {
  const { asOf, loBorrowerId: lo, hiBorrowerId: hi } = scope;
  const eventsSince = addDays(asOf, -(scope.eventLookbackDays ?? 7));
  const loanFilter = scope.loanIds ? sql`AND s.loan_id = ANY(${scope.loanIds}::bigint[])` : sql``;
  const accounts = await jsonRows<AccountRow>(db, sql`
    SELECT s.borrower_id, s.loan_id, l.external_id, l.product_id, l.currency, p.jurisdiction,
           b.name, b.locale, b.time_zone, b.flags, b.risk_band, b.preferred_channel,
           s.dpd, s.bucket, s.overdue_minor, s.outstanding_minor, s.late_fee_minor, s.oldest_unpaid_due,
           s.next_due_date, s.next_due_minor, s.is_repeat, s.grace_days, s.delinquent_since
    FROM account_states s
    JOIN loans l ON l.borrower_id = s.borrower_id AND l.loan_id = s.loan_id
    JOIN borrowers b ON b.borrower_id = s.borrower_id
    JOIN products p ON p.id = l.product_id
    WHERE s.borrower_id >= ${lo} AND s.borrower_id < ${hi} AND l.borrower_id >= ${lo} AND l.borrower_id < ${hi}
      AND b.borrower_id >= ${lo} AND b.borrower_id < ${hi} AND l.status = 'active' ${loanFilter}
      AND (s.dpd > 0
           OR s.next_due_date <= ${asOf}::date
                                 + coalesce((${JSON.stringify(scope.preDueDaysByProduct ?? {})}::jsonb ->> l.product_id)::int, ${scope.maxPreDueDays})
           OR EXISTS (SELECT 1 FROM account_events e
                      WHERE e.borrower_id = s.borrower_id AND e.loan_id = s.loan_id AND e.borrower_id >= ${lo} AND e.borrower_id < ${hi}
                        AND e.occurred_on > ${eventsSince}::date AND e.occurred_on <= ${asOf}::date))
    ORDER BY s.borrower_id, s.loan_id`);
  if (accounts.rows.length === 0) return [];
  const borrowerIds = ids(accounts.rows);
  const loanIds = accounts.rows.map((a) => a.loan_id);
  const historySince = addDays(asOf, -HISTORY_DAYS);
  // The id list says which borrowers; the chunk's range lets the planner use index range scans for it.
  const inChunk = (column: string) =>
    sql`${sql.ref(column)} = ANY(${borrowerIds}::bigint[]) AND ${sql.ref(column)} >= ${lo} AND ${sql.ref(column)} < ${hi}`;

  const [points, contacts, promises, arrangements, outcomes, history, steps, events] = await Promise.all([
    jsonRows<{ borrower_id: number; contact_point_id: number; kind: string; status: string; consent: string[]; is_primary: boolean }>(db, sql`
      SELECT borrower_id, contact_point_id, kind, status, consent, is_primary FROM contact_points
      WHERE ${inChunk('borrower_id')} AND status = 'active'
      ORDER BY borrower_id, is_primary DESC, contact_point_id`),
    jsonRows<{ borrower_id: number; contact_id: number; name: string; relation: string; consent_at: unknown; status: string }>(db, sql`
      SELECT borrower_id, contact_id, name, relation, consent_at, status FROM emergency_contacts
      WHERE ${inChunk('borrower_id')} ORDER BY borrower_id, contact_id`),
    jsonRows<{ loan_id: number; kept: number; broken: number; open_due: string | null; open_amount: number | null }>(db, sql`
      SELECT loan_id,
             count(*) FILTER (WHERE status = 'kept')::int AS kept,
             count(*) FILTER (WHERE status = 'broken')::int AS broken,
             min(due_on) FILTER (WHERE status = 'open' AND due_on >= ${asOf}::date) AS open_due,
             (array_agg(amount_minor ORDER BY due_on) FILTER (WHERE status = 'open' AND due_on >= ${asOf}::date))[1] AS open_amount
      FROM promises WHERE ${inChunk('borrower_id')} AND loan_id = ANY(${loanIds}::bigint[])
      GROUP BY loan_id`),
    jsonRows<{ loan_id: number; status: string; kind: string; missed_payments: number }>(db, sql`
      SELECT DISTINCT ON (loan_id) loan_id, status, kind, missed_payments FROM arrangements
      WHERE ${inChunk('borrower_id')} AND loan_id = ANY(${loanIds}::bigint[]) AND status <> 'proposed'
      ORDER BY loan_id, starts_on DESC, arrangement_id DESC`),
    jsonRows<{ borrower_id: number; loan_id: number | null; channel: string; party: string; outcome: string; day: string }>(db, sql`
      SELECT o.borrower_id, o.loan_id, o.channel, o.party, o.outcome, (o.occurred_at AT TIME ZONE b.time_zone)::date::text AS day
      FROM contact_outcomes o JOIN borrowers b ON b.borrower_id = o.borrower_id
      WHERE ${inChunk('o.borrower_id')} AND b.borrower_id >= ${lo} AND b.borrower_id < ${hi} AND o.occurred_at >= ${historySince}::date
        AND (o.occurred_at AT TIME ZONE b.time_zone)::date <= ${asOf}::date
      ORDER BY o.borrower_id, o.occurred_at, o.outcome_id`),
    jsonRows<{ loan_id: number; strategy_id: string; step_id: string; channel: string | null; party: string; last_on: string; episode_days: string[] | null }>(db, sql`
      SELECT a.loan_id, a.strategy_id, a.step_id, a.channel, a.party, max(a.as_of) AS last_on,
             array_agg(a.as_of ORDER BY a.as_of) FILTER (WHERE a.as_of >= s.delinquent_since) AS episode_days
      FROM actions a JOIN account_states s ON s.borrower_id = a.borrower_id AND s.loan_id = a.loan_id
      WHERE ${inChunk('a.borrower_id')} AND s.borrower_id >= ${lo} AND s.borrower_id < ${hi} AND a.loan_id = ANY(${loanIds}::bigint[])
        AND a.as_of >= ${historySince}::date AND a.as_of <= ${asOf}::date
        AND a.status NOT IN ('cancelled', 'blocked')
      GROUP BY a.loan_id, a.strategy_id, a.step_id, a.channel, a.party`),
    jsonRows<{ loan_id: number; strategy_id: string; step_id: string; last_on: string; days_in_episode: number }>(db, sql`
      SELECT a.loan_id, a.strategy_id, a.step_id, max(a.as_of) AS last_on,
             count(DISTINCT a.as_of) FILTER (WHERE a.as_of >= s.delinquent_since)::int AS days_in_episode
      FROM actions a JOIN account_states s ON s.borrower_id = a.borrower_id AND s.loan_id = a.loan_id
      WHERE ${inChunk('a.borrower_id')} AND s.borrower_id >= ${lo} AND s.borrower_id < ${hi} AND a.loan_id = ANY(${loanIds}::bigint[])
        AND a.as_of >= ${historySince}::date AND a.as_of <= ${asOf}::date
        AND a.status NOT IN ('cancelled', 'blocked')
      GROUP BY a.loan_id, a.strategy_id, a.step_id`),
    jsonRows<{ loan_id: number; event_id: number; kind: string; occurred_on: string }>(db, sql`
      SELECT loan_id, event_id, kind, occurred_on FROM account_events
      WHERE ${inChunk('borrower_id')} AND loan_id = ANY(${loanIds}::bigint[])
        AND occurred_on > ${eventsSince}::date AND occurred_on <= ${asOf}::date AND kind <> 'payment_posted'
      ORDER BY loan_id, occurred_on, event_id`),
  ]);

  const group = <T, K>(rows: T[], key: (r: T) => K) => {
    const m = new Map<K, T[]>();
    for (const r of rows) {
      const k = key(r);
      const list = m.get(k);
      if (list) list.push(r); else m.set(k, [r]);
    }
    return m;
  };
  const pointsBy = group(points.rows, (r) => r.borrower_id);
  const contactsBy = group(contacts.rows, (r) => r.borrower_id);
  const promisesBy = new Map(promises.rows.map((r) => [r.loan_id, r]));
  const arrangementBy = new Map(arrangements.rows.map((r) => [r.loan_id, r]));
  const outcomesBy = group(outcomes.rows, (r) => r.borrower_id);
  const historyBy = group(history.rows, (r) => r.loan_id);
  const stepsBy = group(steps.rows, (r) => r.loan_id);
  const eventsBy = group(events.rows, (r) => r.loan_id);

  return accounts.rows.map((a): AccountFacts => {
    const myOutcomes = (outcomesBy.get(a.borrower_id) ?? []).filter((o) => o.loan_id === null || o.loan_id === a.loan_id);
    const myHistory = historyBy.get(a.loan_id) ?? [];
    const channels = {} as Record<Channel, ChannelFacts>;
    for (const channel of CHANNELS) {
      const kind = CONTACT_KIND_OF[channel];
      const point = kind ? (pointsBy.get(a.borrower_id) ?? []).find((p) => p.kind === kind && p.consent.includes(channel)) : undefined;
      let failedInRow = 0;
      let lastResponseOn: string | null = null;
      for (const o of myOutcomes) {
        if (o.channel !== channel || o.party !== 'borrower') continue;
        if (FAILURE_OUTCOMES.has(o.outcome)) failedInRow++;
        else if (SUCCESS_OUTCOMES.has(o.outcome)) failedInRow = 0;
        if (RESPONSE_OUTCOMES.has(o.outcome)) lastResponseOn = o.day;
      }
      const sent = myHistory.filter((h) => h.channel === channel && h.party === 'borrower' && h.episode_days !== null);
      channels[channel] = {
        reachable: point !== undefined && failedInRow < UNREACHABLE_AFTER_FAILURES,
        contactPointId: point?.contact_point_id ?? null,
        firstContactOn: earliest(sent.map((h) => h.episode_days![0])),
        lastContactOn: latest(sent.map((h) => h.last_on)),
        failedAttemptsInRow: failedInRow,
        lastResponseOn,
      };
    }
    const stepHistory: AccountFacts['stepHistory'] = {};
    for (const h of stepsBy.get(a.loan_id) ?? []) {
      stepHistory[`${h.strategy_id}/${h.step_id}`] = { lastFiredOn: h.last_on, timesInEpisode: h.days_in_episode };
    }
    const borrowerContactDays = myHistory.filter((h) => h.party === 'borrower' && h.channel !== null).map((h) => h.last_on);
    const responses = myOutcomes.filter((o) => o.party === 'borrower' && RESPONSE_OUTCOMES.has(o.outcome)).map((o) => o.day);
    const promise = promisesBy.get(a.loan_id);
    const arrangement = arrangementBy.get(a.loan_id);
    return {
      borrowerId: a.borrower_id,
      loanId: a.loan_id,
      accountKey: a.external_id,
      borrowerName: a.name,
      locale: a.locale,
      timeZone: a.time_zone,
      productId: a.product_id,
      jurisdiction: a.jurisdiction,
      currency: a.currency.trim(),
      asOf,
      dpd: a.dpd,
      bucket: a.bucket,
      overdueMinor: a.overdue_minor,
      outstandingMinor: a.outstanding_minor,
      lateFeeMinor: a.late_fee_minor,
      oldestUnpaidDue: a.oldest_unpaid_due,
      nextDueDate: a.next_due_date,
      nextDueMinor: a.next_due_minor,
      isRepeat: a.is_repeat,
      graceDays: a.grace_days,
      delinquentSince: a.delinquent_since,
      riskBand: a.risk_band,
      flags: a.flags as AccountFlag[],
      preferredChannel: (a.preferred_channel as Channel | null) ?? null,
      channels,
      emergencyContacts: (contactsBy.get(a.borrower_id) ?? []).map((c) => ({
        contactId: c.contact_id, name: c.name, relation: c.relation, usable: c.status === 'active' && c.consent_at !== null,
      })),
      promises: {
        kept: promise?.kept ?? 0,
        broken: promise?.broken ?? 0,
        open: promise?.open_due ? { dueOn: promise.open_due, amountMinor: promise.open_amount ?? 0 } : null,
      },
      arrangement: {
        status: (arrangement?.status as AccountFacts['arrangement']['status']) ?? null,
        kind: arrangement?.kind ?? null,
        missedPayments: arrangement?.missed_payments ?? 0,
      },
      refusals: myOutcomes.filter((o) => o.outcome === 'refused').length,
      selfInitiatedContacts: myOutcomes.filter((o) => o.outcome === 'self_initiated').length,
      lastContactOn: latest(borrowerContactDays),
      lastResponseOn: latest(responses),
      unansweredContacts: unansweredSince(myHistory, latest(responses)),
      events: (eventsBy.get(a.loan_id) ?? []).map((e) => ({ eventId: e.event_id, kind: e.kind as AccountEventKind, occurredOn: e.occurred_on })),
      stepHistory,
    };
  });
}
