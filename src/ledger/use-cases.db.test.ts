import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { openTestDatabase, type TestDatabase } from '../../test/support/database.ts';
import { applyProducts, loadProductsFile, loadProducts } from './products.ts';
import { upsertBorrowers } from './upsert-borrowers.ts';
import { upsertLoans } from './upsert-loans.ts';
import { postPayments, reversePayments } from './post-payments.ts';
import type { BorrowerInput, LoanInput } from './core/types.ts';

let database: TestDatabase;
before(async () => {
  database = await openTestDatabase();
  await applyProducts(database.db, loadProductsFile(new URL('../../config/products.yaml', import.meta.url).pathname));
});
after(async () => database.close());

const borrower = (externalId: string, over: Partial<BorrowerInput> = {}): BorrowerInput => ({
  externalId, name: '张三', locale: 'zh-CN', timeZone: 'Asia/Shanghai', flags: [], riskBand: 'low', preferredChannel: null,
  contactPoints: [{ kind: 'phone', value: '+8613800138000', status: 'active', consent: ['call', 'sms'], isPrimary: true }],
  emergencyContacts: [{ name: '李四', relation: 'sibling', phone: '+8613900139000', consentAt: '2024-01-01T02:00:00.000Z', status: 'active' }],
  ...over,
});

// shop-instalment: grace 5, fixed 10.00 + 300 ppm/day, cap 200.00.
const loan = (externalId: string, borrowerExternalId: string, over: Partial<LoanInput> = {}): LoanInput => ({
  externalId, borrowerExternalId, productId: 'shop-instalment', currency: 'CNY', principalMinor: 300_000, openedOn: '2024-01-01', status: 'active',
  instalments: [1, 2, 3].map((seq) => ({ seq, dueDate: `2024-0${seq + 1}-01`, principalMinor: 100_000, interestMinor: 2_000, feeMinor: 0 })),
  ...over,
});

test('products round-trip through the database and re-applying is unchanged', async () => {
  const products = loadProductsFile(new URL('../../config/products.yaml', import.meta.url).pathname);
  assert.deepEqual(await loadProducts(database.db, products.map((p) => p.id).sort()), [...products].sort((a, b) => a.id.localeCompare(b.id)));
  assert.deepEqual((await applyProducts(database.db, products)).map((o) => o.outcome), ['unchanged', 'unchanged', 'unchanged', 'unchanged']);
});

test('borrowers: insert, identical re-run is unchanged, contact change raises an event per active loan', async () => {
  const first = await upsertBorrowers(database.db, [borrower('B1'), borrower('B2', { name: 'Wang', locale: 'en' })]);
  assert.deepEqual(first.map((o) => o.outcome), ['accepted', 'accepted']);
  assert.deepEqual((await upsertBorrowers(database.db, [borrower('B1'), borrower('B2', { name: 'Wang', locale: 'en' })])).map((o) => o.outcome), ['unchanged', 'unchanged']);
  await upsertLoans(database.db, [loan('L-B1', 'B1')]);
  const now = new Date('2024-03-10T20:00:00Z'); // already 2024-03-11 in Shanghai
  const changed = await upsertBorrowers(database.db, [borrower('B1', { contactPoints: [{ kind: 'phone', value: '+8613700137000', status: 'active', consent: ['sms'], isPrimary: true }] })], { now });
  assert.equal(changed[0].outcome, 'accepted');
  const points = await database.db.selectFrom('contact_points').select(['value', 'status', 'status_changed_at']).where('borrower_id', '=', first[0].outcome === 'accepted' ? first[0].id : 0).orderBy('contact_point_id').execute();
  assert.deepEqual(points.map((p) => [p.value, p.status]), [['+8613800138000', 'changed'], ['+8613700137000', 'active']]);
  assert.equal(new Date(points[0].status_changed_at!).toISOString(), now.toISOString());
  const events = await database.db.selectFrom('account_events').select(['kind', 'occurred_on', 'detail']).where('kind', '=', 'contact_changed').execute();
  assert.equal(events.length, 1);
  assert.equal(events[0].occurred_on, '2024-03-11');
  assert.deepEqual((events[0].detail as { changes: Array<{ status: string }> }).changes.map((c) => c.status), ['changed']);
});

test('loans: unknown borrower, product or wrong currency are rejected with the field; re-run is unchanged', async () => {
  await upsertBorrowers(database.db, [borrower('B3')]);
  const outcomes = await upsertLoans(database.db, [
    loan('L3', 'B3'),
    loan('L4', 'nobody'),
    loan('L5', 'B3', { productId: 'no-such-product' }),
    loan('L6', 'B3', { currency: 'USD' }),
  ]);
  assert.equal(outcomes[0].outcome, 'accepted');
  assert.deepEqual(outcomes.slice(1).map((o) => (o.outcome === 'rejected' ? o.field : o.outcome)), ['borrower_external_id', 'product_id', 'currency']);
  assert.equal((await upsertLoans(database.db, [loan('L3', 'B3')]))[0].outcome, 'unchanged');
  const moved = await upsertLoans(database.db, [loan('L3', 'B1')]);
  assert.equal(moved[0].outcome, 'rejected');
});

test('payments: allocation is stored, posting twice is unchanged, a reversal re-opens and writes an event', async () => {
  await upsertBorrowers(database.db, [borrower('B7')]);
  const [loanOutcome] = await upsertLoans(database.db, [loan('L7', 'B7')]);
  assert.equal(loanOutcome.outcome, 'accepted');
  const loanId = loanOutcome.outcome === 'accepted' ? loanOutcome.id : 0;
  const cured: number[][] = [];
  const pay = { externalId: 'P7-1', loanExternalId: 'L7', channel: 'transfer' as const, paidOn: '2024-02-01', amountMinor: 102_000 };
  const posted = await postPayments(database.db, [pay, pay, { ...pay, externalId: 'P7-2', loanExternalId: 'nope' }], { afterPosting: async (_trx, ids) => void cured.push(ids) });
  assert.deepEqual(posted.map((o) => o.outcome), ['accepted', 'unchanged', 'rejected']);
  assert.deepEqual(cured, [[loanId]]);
  assert.deepEqual((await postPayments(database.db, [pay]))[0].outcome, 'unchanged');
  const changedAmount = await postPayments(database.db, [{ ...pay, amountMinor: 1 }]);
  assert.equal(changedAmount[0].outcome === 'rejected' && changedAmount[0].field, 'external_id');

  const first = await database.db.selectFrom('instalments').selectAll().where('loan_id', '=', loanId).where('seq', '=', 1).executeTakeFirstOrThrow();
  assert.deepEqual([first.paid_interest_minor, first.paid_principal_minor, first.settled_on], [2_000, 100_000, '2024-02-01']);
  const payment = await database.db.selectFrom('payments').select(['allocation', 'credit_minor']).where('external_id', '=', 'P7-1').executeTakeFirstOrThrow();
  assert.deepEqual(payment.allocation, [{ seq: 1, component: 'interest', amountMinor: 2_000 }, { seq: 1, component: 'principal', amountMinor: 100_000 }]);

  const reversal = { externalId: 'P7-1', reversedOn: '2024-02-03', reason: 'auto_debit_failed' };
  assert.deepEqual((await reversePayments(database.db, [reversal, { ...reversal, externalId: 'unknown' }])).map((o) => o.outcome), ['accepted', 'rejected']);
  assert.equal((await reversePayments(database.db, [reversal]))[0].outcome, 'unchanged');
  const reopened = await database.db.selectFrom('instalments').selectAll().where('loan_id', '=', loanId).where('seq', '=', 1).executeTakeFirstOrThrow();
  assert.deepEqual([reopened.paid_principal_minor, reopened.settled_on], [0, null]);
  const event = await database.db.selectFrom('account_events').select(['occurred_on', 'detail']).where('loan_id', '=', loanId).where('kind', '=', 'payment_reversed').executeTakeFirstOrThrow();
  assert.equal(event.occurred_on, '2024-02-03');
  assert.deepEqual((event.detail as { reopenedSeqs: number[] }).reopenedSeqs, [1]);
});

test('a changed schedule replaces the stored one and the payments are replayed over it', async () => {
  await upsertBorrowers(database.db, [borrower('B8')]);
  const [created] = await upsertLoans(database.db, [loan('L8', 'B8')]);
  const loanId = created.outcome === 'accepted' ? created.id : 0;
  await postPayments(database.db, [{ externalId: 'P8', loanExternalId: 'L8', channel: 'agent', paidOn: '2024-02-01', amountMinor: 150_000 }]);
  // Re-instalment into two larger instalments without interest: the same payment now settles the first.
  const reinstalled = loan('L8', 'B8', { instalments: [
    { seq: 1, dueDate: '2024-02-01', principalMinor: 150_000, interestMinor: 0, feeMinor: 0 },
    { seq: 2, dueDate: '2024-03-01', principalMinor: 150_000, interestMinor: 0, feeMinor: 0 },
  ] });
  assert.deepEqual(await upsertLoans(database.db, [reinstalled]), [{ outcome: 'accepted', id: loanId }]);
  const schedule = await database.db.selectFrom('instalments').select(['seq', 'principal_minor', 'paid_principal_minor', 'settled_on']).where('loan_id', '=', loanId).orderBy('seq').execute();
  assert.deepEqual(schedule, [
    { seq: 1, principal_minor: 150_000, paid_principal_minor: 150_000, settled_on: '2024-02-01' },
    { seq: 2, principal_minor: 150_000, paid_principal_minor: 0, settled_on: null },
  ]);
  assert.deepEqual(await upsertLoans(database.db, [reinstalled]), [{ outcome: 'unchanged', id: loanId }]);
});

test('the same borrower twice in one batch is applied in order, like two batches', async () => {
  const outcomes = await upsertBorrowers(database.db, [borrower('B9', { riskBand: 'low' }), borrower('B9', { riskBand: 'high' }), borrower('B9', { riskBand: 'high' })]);
  assert.deepEqual(outcomes.map((o) => o.outcome), ['accepted', 'accepted', 'unchanged']);
  const stored = await database.db.selectFrom('borrowers').select('risk_band').where('external_id', '=', 'B9').executeTakeFirstOrThrow();
  assert.equal(stored.risk_band, 'high');
});

test('repeat delinquents pay late fees after the shorter repeat grace when the hook says so', async () => {
  await upsertBorrowers(database.db, [borrower('B10')]);
  await upsertLoans(database.db, [loan('L10', 'B10'), loan('L11', 'B10')]);
  const twoDaysLate = (externalId: string, loanExternalId: string) => ({ externalId, loanExternalId, channel: 'transfer' as const, paidOn: '2024-02-03', amountMinor: 50_000 });
  const ids = await database.db.selectFrom('loans').select(['loan_id', 'external_id']).where('external_id', 'in', ['L10', 'L11']).execute();
  const repeat = new Set(ids.filter((l) => l.external_id === 'L11').map((l) => l.loan_id));
  await postPayments(database.db, [twoDaysLate('P10', 'L10'), twoDaysLate('P11', 'L11')], { repeatLoanIds: async () => repeat });
  const lateFees = await database.db.selectFrom('instalments as i').innerJoin('loans as l', 'l.loan_id', 'i.loan_id')
    .select(['l.external_id', 'i.paid_late_fee_minor']).where('l.external_id', 'in', ['L10', 'L11']).where('i.seq', '=', 1).orderBy('l.external_id').execute();
  // shop-instalment: grace 5, repeat grace 1; two days late is one day beyond the repeat grace: 10.00 + 0.03 % of 1000.00.
  assert.deepEqual(lateFees.map((r) => [r.external_id, r.paid_late_fee_minor]), [['L10', 0], ['L11', 1_000 + 30]]);
});
