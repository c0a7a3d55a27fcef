// A small portfolio built through the real ledger use-cases, the shipped products and strategies,
// and the real daily cycle: the stage for scenario tests of collection behaviour.
import { sql } from 'kysely';
import { fileURLToPath } from 'node:url';
import { openTestDatabase, type TestDatabase } from './database.ts';
import {
  applyProducts, loadProductsFile, postPayments, reversePayments, upsertBorrowers, upsertLoans,
  type BorrowerInput, type PaymentChannel, type RowOutcome,
} from '../../src/ledger/index.ts';
import {
  cancelActionsOfCuredAccounts, loadStrategyDirectory, runCycle, saveAndActivate, explainAccount, loadActiveSet,
  type CycleReport, type Explanation,
} from '../../src/strategy/index.ts';
import { addDays, addMonths } from '../../src/platform/core/calendar.ts';
import type { Channel } from '../../src/strategy/core/facts.ts';

export const STRATEGIES_DIR = fileURLToPath(new URL('../../strategies/', import.meta.url));
export const PRODUCTS_FILE = fileURLToPath(new URL('../../config/products.yaml', import.meta.url));

export interface BorrowerSpec {
  id: string;
  name?: string;
  phone?: string | null;
  phoneStatus?: 'active' | 'invalid' | 'changed';
  email?: string | null;
  device?: string | null;
  /** A postal address (none by default); letters need it and the borrower's consent to 'letter'. */
  address?: string | null;
  consent?: Channel[];
  flags?: BorrowerInput['flags'];
  riskBand?: string | null;
  preferredChannel?: Channel | null;
  contacts?: Array<{ name: string; relation: string; phone: string; consent?: boolean }>;
}

export interface LoanSpec {
  id: string;
  borrower: string;
  product: string;
  /** Instalment amount in minor units (all principal), monthly from firstDue. */
  instalmentMinor?: number;
  instalments?: number;
  firstDue: string;
}

export interface ActionRow {
  action_id: number; as_of: string; kind: string; channel: string | null; party: string; template: string | null;
  strategy_id: string; arm: string; segment_id: string; step_id: string; status: string; payload: Record<string, unknown>;
  reason: { summary: string; trigger: string; channelChoice?: string };
}

function accepted(outcomes: RowOutcome[], what: string): void {
  const bad = outcomes.filter((o) => o.outcome === 'rejected');
  if (bad.length > 0) throw new Error(`${what} rejected: ${JSON.stringify(bad)}`);
}

let phoneCounter = 0;

export class Scenario {
  readonly database: TestDatabase;
  constructor(database: TestDatabase) {
    this.database = database;
  }

  get db() {
    return this.database.db;
  }

  static async open(options: { strategiesDir?: string } = {}): Promise<Scenario> {
    const database = await openTestDatabase();
    const s = new Scenario(database);
    await applyProducts(database.db, loadProductsFile(PRODUCTS_FILE));
    const loaded = loadStrategyDirectory(options.strategiesDir ?? STRATEGIES_DIR);
    if (!loaded.ok) throw new Error(`strategies do not validate: ${JSON.stringify(loaded.errors)}`);
    await saveAndActivate(database.db, loaded.value, { activatedBy: 'test' });
    return s;
  }

  async borrower(spec: BorrowerSpec): Promise<void> {
    const consent = spec.consent ?? ['sms', 'call', 'email', 'push', 'inapp'];
    phoneCounter++;
    const phone = spec.phone === undefined ? `+86138${String(10_000_000 + phoneCounter).slice(-8)}` : spec.phone;
    const contactPoints: BorrowerInput['contactPoints'] = [];
    if (phone) contactPoints.push({ kind: 'phone', value: phone, status: spec.phoneStatus ?? 'active', consent: consent.filter((c) => c === 'sms' || c === 'call'), isPrimary: true });
    const email = spec.email === undefined ? `${spec.id.toLowerCase()}@example.com` : spec.email;
    if (email) contactPoints.push({ kind: 'email', value: email, status: 'active', consent: consent.filter((c) => c === 'email'), isPrimary: false });
    const device = spec.device === undefined ? `device-${spec.id}` : spec.device;
    if (device) contactPoints.push({ kind: 'device', value: device, status: 'active', consent: consent.filter((c) => c === 'push' || c === 'inapp'), isPrimary: false });
    if (spec.address) contactPoints.push({ kind: 'address', value: spec.address, status: 'active', consent: consent.filter((c) => c === 'letter'), isPrimary: false });
    accepted(await upsertBorrowers(this.db, [{
      externalId: spec.id,
      name: spec.name ?? '张伟',
      locale: 'zh-CN',
      timeZone: 'Asia/Shanghai',
      flags: spec.flags ?? [],
      riskBand: spec.riskBand ?? 'medium',
      preferredChannel: spec.preferredChannel ?? null,
      contactPoints,
      emergencyContacts: (spec.contacts ?? []).map((c) => ({
        name: c.name, relation: c.relation, phone: c.phone, consentAt: c.consent === false ? null : '2024-01-01T00:00:00Z', status: 'active' as const,
      })),
    }]), `borrower ${spec.id}`);
  }

  async loan(spec: LoanSpec): Promise<void> {
    const n = spec.instalments ?? 6;
    const each = spec.instalmentMinor ?? 100_000;
    const day = Number(spec.firstDue.slice(8, 10));
    accepted(await upsertLoans(this.db, [{
      externalId: spec.id,
      borrowerExternalId: spec.borrower,
      productId: spec.product,
      currency: 'CNY',
      principalMinor: each * n,
      openedOn: addMonths(spec.firstDue, -1),
      status: 'active',
      instalments: Array.from({ length: n }, (_, i) => ({
        seq: i + 1, dueDate: addMonths(spec.firstDue, i, day), principalMinor: each, interestMinor: 0, feeMinor: 0,
      })),
    }]), `loan ${spec.id}`);
  }

  /** A borrower with one loan whose first instalment fell due `dpd` days before asOf. */
  async delinquent(id: string, options: { product: string; dpd: number; asOf: string; borrower?: Partial<BorrowerSpec>; instalmentMinor?: number }): Promise<string> {
    await this.borrower({ id: `B-${id}`, ...options.borrower });
    const loanId = `L-${id}`;
    await this.loan({ id: loanId, borrower: `B-${id}`, product: options.product, firstDue: addDays(options.asOf, -options.dpd), instalmentMinor: options.instalmentMinor });
    return loanId;
  }

  async pay(loan: string, amountMinor: number, paidOn: string, id = `P-${loan}-${paidOn}-${amountMinor}`, channel: PaymentChannel = 'transfer'): Promise<void> {
    accepted(await postPayments(this.db, [{ externalId: id, loanExternalId: loan, channel, paidOn, amountMinor }], {
      afterPosting: async (trx, loanIds) => {
        await cancelActionsOfCuredAccounts(trx, loanIds, paidOn);
      },
    }), `payment ${id}`);
  }

  async reverse(paymentId: string, reversedOn: string): Promise<void> {
    accepted(await reversePayments(this.db, [{ externalId: paymentId, reversedOn, reason: 'auto-debit failed' }]), `reversal ${paymentId}`);
  }

  async ids(loan: string): Promise<{ borrowerId: number; loanId: number }> {
    const r = await sql<{ borrower_id: number; loan_id: number }>`SELECT borrower_id, loan_id FROM loans WHERE external_id = ${loan}`.execute(this.db);
    if (r.rows.length === 0) throw new Error(`no loan ${loan}`);
    return { borrowerId: r.rows[0].borrower_id, loanId: r.rows[0].loan_id };
  }

  /** Records what came back from a contact (delivery, no answer, refusal…) at local noon of a day. */
  async outcome(loan: string, channel: string, outcome: string, day: string, party: 'borrower' | 'emergency_contact' = 'borrower'): Promise<void> {
    const { borrowerId, loanId } = await this.ids(loan);
    await sql`INSERT INTO contact_outcomes (borrower_id, loan_id, channel, party, outcome, occurred_at)
              VALUES (${borrowerId}, ${loanId}, ${channel}, ${party}, ${outcome}, ${`${day}T04:00:00Z`}::timestamptz)`.execute(this.db);
  }

  async promise(loan: string, options: { amountMinor: number; promisedOn: string; dueOn: string; status?: 'open' | 'kept' | 'broken' }): Promise<void> {
    const { borrowerId, loanId } = await this.ids(loan);
    await sql`INSERT INTO promises (borrower_id, loan_id, amount_minor, promised_on, due_on, status)
              VALUES (${borrowerId}, ${loanId}, ${options.amountMinor}, ${options.promisedOn}, ${options.dueOn}, ${options.status ?? 'open'})`.execute(this.db);
  }

  async arrangement(loan: string, options: { kind: 'extension' | 'reinstalment' | 'settlement'; startsOn: string; status?: 'active' | 'kept' | 'broken' }): Promise<void> {
    const { borrowerId, loanId } = await this.ids(loan);
    await sql`INSERT INTO arrangements (borrower_id, loan_id, kind, status, starts_on)
              VALUES (${borrowerId}, ${loanId}, ${options.kind}, ${options.status ?? 'active'}, ${options.startsOn})`.execute(this.db);
  }

  async event(loan: string, kind: string, occurredOn: string): Promise<void> {
    const { borrowerId, loanId } = await this.ids(loan);
    await sql`INSERT INTO account_events (borrower_id, loan_id, kind, occurred_on) VALUES (${borrowerId}, ${loanId}, ${kind}, ${occurredOn})`.execute(this.db);
  }

  cycle(asOf: string, options: { workers?: number; chunkBorrowers?: number } = {}): Promise<CycleReport> {
    return runCycle({ database: this.database }, { asOf, ...options });
  }

  /** Runs the cycle every day from `from` to `to` inclusive; `beforeCycle` sees each day first. */
  async days(from: string, to: string, beforeCycle?: (day: string) => Promise<void>): Promise<void> {
    for (let d = from; d <= to; d = addDays(d, 1)) {
      await beforeCycle?.(d);
      await this.cycle(d);
    }
  }

  async actions(loan: string, filter: { asOf?: string } = {}): Promise<ActionRow[]> {
    const { borrowerId, loanId } = await this.ids(loan);
    const r = await sql<ActionRow>`
      SELECT action_id, as_of::text, kind, channel, party, template, strategy_id, arm, segment_id, step_id, status, payload, reason
      FROM actions WHERE borrower_id = ${borrowerId} AND loan_id = ${loanId}
        ${filter.asOf ? sql`AND as_of = ${filter.asOf}` : sql``}
      ORDER BY as_of, action_id`.execute(this.db);
    return r.rows;
  }

  async explain(loan: string, asOf: string): Promise<Explanation> {
    const active = await loadActiveSet(this.db);
    if (!active) throw new Error('no active set');
    return explainAccount(this.db, active, loan, asOf);
  }

  close(): Promise<void> {
    return this.database.close();
  }
}
