// Persists planned actions and their outbox entries in one statement: actions whose idempotency key
// already exists are skipped (exactly once across re-runs), and only the newly inserted ones that may
// go out now get an outbox entry. Returns how many were new, per step and status.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../../platform/db/types.ts';
import { unlessUniqueViolation } from '../../platform/db/unique-violation.ts';
import { Utf8Text } from '../../platform/db/utf8-text.ts';
import type { Verdict } from '../../compliance/index.ts';
import type { PlannedAction } from '../core/types.ts';

type Executor = Kysely<DB> | Transaction<DB>;

export type ActionStatus = 'planned' | 'pending_approval' | 'queued' | 'blocked';

export interface ActionToPersist {
  borrowerId: number;
  loanId: number;
  asOf: string;
  action: PlannedAction;
  verdict: Verdict;
}

/** Kinds that become a message through a channel provider (the outbox); the rest are work items. */
const SENT_THROUGH_OUTBOX = new Set(['message', 'escalation_notice']);

/** What a planned action's status is once compliance has judged it. */
export function statusOf(action: PlannedAction, verdict: Verdict): { status: ActionStatus; statusReason: string } {
  if (verdict.outcome === 'block') return { status: 'blocked', statusReason: `blocked by ${verdict.rules.join(', ')}: ${verdict.reason}` };
  if (action.needsApproval) return { status: 'pending_approval', statusReason: 'waiting for risk-control approval' };
  if (SENT_THROUGH_OUTBOX.has(action.kind) && action.channel !== null) {
    return { status: 'queued', statusReason: verdict.outcome === 'defer' ? `deferred: ${verdict.reason}` : 'queued for sending' };
  }
  return { status: 'planned', statusReason: 'work item for an agent or the operations team' };
}

export interface PersistCount {
  strategyId: string;
  stepId: string;
  status: string;
  count: number;
}

/**
 * What a planned action shares with many others of its chunk: the day, the step that planned it and
 * how (kind, channel, party, template), and compliance's decision on it (DECISION: an index into the
 * list of distinct decisions). Each distinct class travels once per chunk, its columns with their SQL
 * types in this order.
 */
const CLASS_COLUMNS = [
  ['as_of', 'date'], ['kind', 'text'], ['channel', 'text'], ['party', 'text'], ['template', 'text'], ['strategy_id', 'text'],
  ['strategy_version', 'int'], ['arm', 'text'], ['segment_id', 'text'], ['step_id', 'text'],
] as const;
const DECISION = CLASS_COLUMNS.length;
/** What is the action's own, in the order each action's row sends it; then its class's index (CLASS) and its reason's (REASON). */
const OWN_COLUMNS = [['borrower_id', 'bigint'], ['loan_id', 'bigint'], ['idempotency_key', 'text'], ['contact_point_id', 'bigint'], ['emergency_contact_id', 'bigint']] as const;
const CLASS = OWN_COLUMNS.length;
const REASON = CLASS + 1;

/**
 * Each action as a row: its own columns from the positional jsonb array (subscripts by position are
 * O(1)), its class's and reason's from the lists of distinct ones by index, and its payload from a list
 * of JSON texts, one per line, zipped with it by ROWS FROM. JSON.stringify never writes a raw line feed
 * (one inside a string is escaped), so a line is exactly one document.
 */
const columnsAt = (columns: ReadonlyArray<readonly [string, string]>, from: string) =>
  columns.map(([name, type], i) => `(${from}->>${i})::${type} AS ${name}`);
const classRow = sql.raw([...columnsAt(CLASS_COLUMNS, 'c'), 'd->0 AS verdict', 'd->>1 AS status', 'd->>2 AS status_reason'].join(', '));
const inputRow = sql.raw([
  ...columnsAt(OWN_COLUMNS, 'e'), ...CLASS_COLUMNS.map(([name]) => `classes.${name}`), 'reasons.reason', 'p::json AS payload',
  'classes.verdict', 'classes.status', 'classes.status_reason',
].join(', '));
const inputColumns = sql.raw([
  ...OWN_COLUMNS.map(([name]) => name), ...CLASS_COLUMNS.map(([name]) => name), 'reason', 'payload', 'verdict', 'status', 'status_reason',
].join(', '));

/**
 * The JSON text of a reason as UTF-8 bytes. The evaluator shares a frozen reason among the accounts
 * its step fires for the same way, day after day and chunk after chunk (evaluate.ts): its text is
 * written once, not once per chunk.
 */
const sharedReasonBytes = new WeakMap<object, Buffer>();
function reasonBytes(reason: PlannedAction['reason']): Buffer {
  let bytes = sharedReasonBytes.get(reason);
  if (bytes === undefined) {
    bytes = Buffer.from(JSON.stringify(reason), 'utf8');
    if (Object.isFrozen(reason)) sharedReasonBytes.set(reason, bytes);
  }
  return bytes;
}

/**
 * A chunk's actions on their way to persistActions, reduced to what is sent as they are added: the
 * daily cycle adds each few hundred accounts' actions as soon as they are planned, so the planned
 * objects (and the facts they were planned from) die young instead of living through the chunk, and
 * only the statement's texts are kept, written as UTF-8 bytes as the actions come (Utf8Text), plus
 * each distinct class and reason.
 *
 * The rows travel as one JSON array of positional rows instead of parameter arrays or keyed objects:
 * the server parses it once in C, and the client writes no keys. The reason and payload documents
 * travel as text, one per line, so the server validates them as json without building a jsonb value
 * of each. What repeats across a chunk travels once: the classes (a few dozen for thousands of
 * actions: each row then carries five values of its own instead of fifteen), the compliance decisions
 * (a few) and the reasons (a few hundred to a few thousand).
 */
export class ActionBatch {
  /** The JSON array of the actions' rows: each action's own columns (OWN_COLUMNS), then its class's index (CLASS) and its reason's (REASON). */
  readonly #rows = new Utf8Text();
  #count = 0;
  #sealed = false;
  /** The distinct reasons, one JSON document per line, and their index by reason object (the evaluator shares the reasons that read the same). */
  readonly #reasonLines = new Utf8Text();
  readonly #reasonIndex = new Map<object, number>();
  #reasonCount = 0;
  /** The distinct classes (CLASS_COLUMNS, then the decision's index), and the indexes of each step's. */
  readonly #classes: unknown[][] = [];
  readonly #classesOfStep = new Map<string, number[]>();
  /** Each action's payload, one JSON document per line. */
  readonly #payloadLines = new Utf8Text();
  readonly #decisions: Array<[Verdict, ActionStatus, string]> = [];
  // Decisions by verdict (a judge may hand the same verdict object to many contacts: looked up by
  // identity, its content is keyed once), then by status reason (which names the status too).
  readonly #byVerdict = new Map<Verdict, Map<string, number>>();
  readonly #byContent = new Map<string, Map<string, number>>();

  get count(): number {
    return this.#count;
  }

  #decisionOf(verdict: Verdict, status: ActionStatus, statusReason: string): number {
    let forVerdict = this.#byVerdict.get(verdict);
    if (forVerdict === undefined) {
      const content = `${verdict.outcome}\u0000${verdict.rules.join('\u0001')}\u0000${verdict.reason}`;
      forVerdict = this.#byContent.get(content) ?? new Map<string, number>();
      this.#byContent.set(content, forVerdict);
      this.#byVerdict.set(verdict, forVerdict);
    }
    let decision = forVerdict.get(statusReason);
    if (decision === undefined) {
      decision = this.#decisions.push([verdict, status, statusReason]) - 1;
      forVerdict.set(statusReason, decision);
    }
    return decision;
  }

  /**
   * The class of an action: looked for among the classes of its step so far (a few: its channels,
   * arms and decisions), by their values, and added when none matches.
   */
  #classOf(asOf: string, a: PlannedAction, decision: number): number {
    let ofStep = this.#classesOfStep.get(a.stepId);
    if (ofStep === undefined) this.#classesOfStep.set(a.stepId, (ofStep = []));
    for (let i = 0; i < ofStep.length; i++) {
      const c = this.#classes[ofStep[i]];
      // In CLASS_COLUMNS order.
      if (c[0] === asOf && c[1] === a.kind && c[2] === a.channel && c[3] === a.party && c[4] === a.template && c[5] === a.strategyId
        && c[6] === a.strategyVersion && c[7] === a.arm && c[8] === a.segmentId && c[9] === a.stepId && c[DECISION] === decision) return ofStep[i];
    }
    const index = this.#classes.push([asOf, a.kind, a.channel, a.party, a.template, a.strategyId, a.strategyVersion, a.arm, a.segmentId, a.stepId, decision]) - 1;
    ofStep.push(index);
    return index;
  }

  add(rows: readonly ActionToPersist[]): void {
    if (this.#sealed) throw new Error('ActionBatch: no actions can be added once its texts are taken');
    // An account's actions come together and share their payload object when it is the same (see
    // evaluate.ts), so it is serialized once per account, not once per action: its line's bytes are
    // repeated for the others.
    let lastPayload: object | null = null;
    let lastPayloadStart = 0;
    let lastPayloadEnd = 0;
    for (const r of rows) {
      const a = r.action;
      const { status, statusReason } = statusOf(a, r.verdict);
      let reason = this.#reasonIndex.get(a.reason);
      if (reason === undefined) {
        reason = this.#reasonCount++;
        this.#reasonLines.writeLineBytes(reasonBytes(a.reason));
        this.#reasonIndex.set(a.reason, reason);
      }
      const actionClass = this.#classOf(r.asOf, a, this.#decisionOf(r.verdict, status, statusReason));
      if (a.payload !== lastPayload) {
        lastPayload = a.payload;
        lastPayloadStart = this.#payloadLines.writeLine(JSON.stringify(a.payload));
        lastPayloadEnd = this.#payloadLines.length;
      } else {
        this.#payloadLines.repeat(lastPayloadStart, lastPayloadEnd);
      }
      // In OWN_COLUMNS order, then CLASS and REASON.
      this.#rows.write(`${this.#count++ === 0 ? '[' : ','}[${r.borrowerId},${r.loanId},${JSON.stringify(a.idempotencyKey)},${a.contactPointId ?? null},${a.emergencyContactId ?? null},${actionClass},${reason}]`);
    }
  }

  /** The statement's texts, once every action is added (none can be added after). */
  texts(): { input: Buffer; classList: string; reasonLines: Buffer; payloadLines: Buffer; decisionList: string } {
    if (!this.#sealed) {
      this.#rows.write(this.#count === 0 ? '[]' : ']');
      this.#sealed = true;
    }
    return {
      input: this.#rows.bytes(), classList: JSON.stringify(this.#classes), reasonLines: this.#reasonLines.lines(),
      payloadLines: this.#payloadLines.lines(), decisionList: JSON.stringify(this.#decisions),
    };
  }
}

export async function persistActions(db: Executor, actions: readonly ActionToPersist[] | ActionBatch): Promise<PersistCount[]> {
  const batch = actions instanceof ActionBatch ? actions : new ActionBatch();
  if (batch !== actions) batch.add(actions as readonly ActionToPersist[]);
  if (batch.count === 0) return [];
  const { input, classList, reasonLines, payloadLines, decisionList } = batch.texts();
  // A day's chunk is planned once, so its actions are new but for a re-run over a re-laid day. The
  // insert first goes without the conflict check (speculative insertion costs about a tenth of the
  // statement); should any key exist already, that attempt is undone and the checked insert skips them.
  const statement = (skipExisting: boolean) => sql<{ strategy_id: string; step_id: string; status: string; count: number }>`
    WITH reasons AS (
      SELECT n - 1 AS i, r::json AS reason FROM string_to_table(${reasonLines}::text, E'\\n') WITH ORDINALITY AS t(r, n)
    ),
    classes AS (
      SELECT n - 1 AS i, ${classRow}
      FROM jsonb_array_elements(${classList}::jsonb) WITH ORDINALITY AS t(c, n)
      CROSS JOIN LATERAL (SELECT ${decisionList}::jsonb -> (c->>${sql.raw(String(DECISION))})::int AS d) AS decision
    ),
    input AS (
      SELECT ${inputRow}
      FROM ROWS FROM (jsonb_array_elements(${input}::text::jsonb), string_to_table(${payloadLines}::text, E'\\n')) WITH ORDINALITY AS x(e, p, k)
      JOIN classes ON classes.i = (e->>${sql.raw(String(CLASS))})::int
      JOIN reasons ON reasons.i = (e->>${sql.raw(String(REASON))})::int
      -- In the order planned.
      ORDER BY x.k
    ),
    inserted AS (
      INSERT INTO actions (${inputColumns})
      SELECT * FROM input
      ${skipExisting ? sql`ON CONFLICT (borrower_id, idempotency_key) DO NOTHING` : sql``}
      RETURNING borrower_id, action_id, channel, status, strategy_id, step_id
    ),
    queued AS (
      -- Only actions inserted by this statement, with ids just drawn: no entry can exist for them.
      INSERT INTO outbox (borrower_id, action_id, channel)
      SELECT borrower_id, action_id, channel FROM inserted WHERE status = 'queued'
      RETURNING 1
    )
    SELECT strategy_id, step_id, status, count(*)::int AS count FROM inserted GROUP BY strategy_id, step_id, status
    ORDER BY strategy_id, step_id, status`;
  const result = (await unlessUniqueViolation(db, () => statement(false).execute(db))) ?? (await statement(true).execute(db));
  return result.rows.map((r) => ({ strategyId: r.strategy_id, stepId: r.step_id, status: r.status, count: r.count }));
}
