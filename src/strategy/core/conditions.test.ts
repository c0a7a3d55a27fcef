import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AccountView, compileConditions, firstUnmet, unmet } from './conditions.ts';
import { ConditionsSchema, type Conditions } from './schema.ts';
import { makeFacts, type FactsOverrides } from './test-facts.ts';

/** Whether `when` holds for the facts, and the trace line when it does not. */
function judge(when: Conditions, facts: FactsOverrides = {}): { met: boolean; why: string | null } {
  const checks = compileConditions(ConditionsSchema.parse(when));
  const view = new AccountView(makeFacts(facts));
  const miss = firstUnmet(checks, view);
  return { met: miss === undefined, why: miss ? unmet(miss, view) : null };
}

const phones = (failures: number) => ({ sms: { failedAttemptsInRow: failures }, call: { failedAttemptsInRow: failures } });

// [condition, facts where it holds, facts where it does not, trace when it does not]
const CASES: Array<[Conditions, FactsOverrides, FactsOverrides, string]> = [
  [{ product: ['wallet-credit-line', 'app-instalment'] }, {}, { productId: 'mall-instalment' }, 'condition product=wallet-credit-line|app-instalment not met (mall-instalment)'],
  [{ jurisdiction: ['CN'] }, {}, { jurisdiction: 'TW' }, 'condition jurisdiction=CN not met (TW)'],
  [{ bucket: ['M1', 'M2'] }, { bucket: 'M2' }, { bucket: 'M3' }, 'condition bucket=M1|M2 not met (M3)'],
  [{ riskBand: ['high'] }, { riskBand: 'high' }, { riskBand: null }, 'condition riskBand=high not met (none)'],
  [{ dpd: { min: 1, max: 30 } }, { dpd: 30 }, { dpd: 31 }, 'condition dpd 1–30 not met (31)'],
  [{ dpd: { min: 31 } }, { dpd: 31 }, { dpd: 30 }, 'condition dpd ≥ 31 not met (30)'],
  [{ preDueDays: { max: 3 } }, { nextDueDate: '2024-03-13' }, { nextDueDate: null }, 'condition preDueDays ≤ 3 not met (nothing due ahead)'],
  [{ overdueAmount: { min: '1000.00' } }, { overdueMinor: 100_000 }, { overdueMinor: 99_999 }, 'condition overdueAmount ≥ 1000.00 not met (999.99 CNY)'],
  [{ outstandingAmount: { min: '100', max: '200.5' } }, { outstandingMinor: 20_050 }, { outstandingMinor: 20_051 }, 'condition outstandingAmount 100–200.5 not met (200.51 CNY)'],
  [{ repeat: true }, { isRepeat: true }, { isRepeat: false }, 'condition repeat=true not met (false)'],
  [{ reachable: ['sms', 'call'] }, {}, { channels: { call: { reachable: false } } }, 'condition reachable sms+call not met (reachable: sms, email, push, inapp)'],
  [{ unreachable: ['sms', 'call'] }, { channels: { sms: { reachable: false }, call: { reachable: false } } }, { channels: { sms: { reachable: false } } }, 'condition unreachable sms+call not met (reachable: call, email, push, inapp)'],
  [{ lost: true }, { channels: phones(3) }, { channels: phones(2) }, 'condition lost=true not met (not lost; reachable: sms, call, email, push, inapp; sms failed 2×, call failed 2×)'],
  [{ lost: false }, {}, { channels: { sms: { reachable: false }, call: { reachable: false } } }, 'condition lost=false not met (lost; reachable: email, push, inapp)'],
  [{ failedAttempts: { channel: 'call', min: 3 } }, { channels: { call: { failedAttemptsInRow: 4 } } }, { channels: { call: { failedAttemptsInRow: 2 } } }, 'condition failedAttempts on call ≥ 3 not met (2)'],
  [{ attitude: ['poor', 'silent'] }, { unansweredContacts: 3 }, { promises: { kept: 2, broken: 1, open: null } }, 'condition attitude=poor|silent not met (cooperative: promises kept 2, broken 1, refusals 0, unanswered 0, self-initiated 0)'],
  [{ brokenPromises: { min: 2 } }, { promises: { kept: 0, broken: 2, open: null } }, {}, 'condition brokenPromises ≥ 2 not met (0)'],
  [{ keptPromises: { max: 0 } }, {}, { promises: { kept: 1, broken: 0, open: null } }, 'condition keptPromises ≤ 0 not met (1)'],
  [{ refusals: { min: 1, max: 1 } }, { refusals: 1 }, { refusals: 2 }, 'condition refusals = 1 not met (2)'],
  [{ flags: { any: ['vulnerable', 'complaint'] } }, { flags: ['complaint'] }, {}, 'condition flags any vulnerable|complaint not met (no flags)'],
  [{ flags: { none: ['dispute'] } }, { flags: ['vulnerable'] }, { flags: ['dispute'] }, 'condition flags none dispute not met (dispute)'],
  [{ daysSinceLastContact: { min: 7 } }, { lastContactOn: null }, { lastContactOn: '2024-03-05' }, 'condition daysSinceLastContact ≥ 7 not met (5)'],
  [{ daysSinceLastContact: { max: 7 } }, { lastContactOn: '2024-03-05' }, { lastContactOn: null }, 'condition daysSinceLastContact ≤ 7 not met (never contacted)'],
  [{ hasArrangement: false }, { arrangement: { status: 'broken', kind: 'extension', missedPayments: 2 } }, { arrangement: { status: 'active', kind: 'extension', missedPayments: 0 } }, 'condition hasArrangement=false not met (arrangement active)'],
  [{ promiseInForce: true }, { promises: { kept: 0, broken: 0, open: { dueOn: '2024-03-10', amountMinor: 1 } } }, { promises: { kept: 0, broken: 0, open: { dueOn: '2024-03-09', amountMinor: 1 } } }, 'condition promiseInForce=true not met (open promise due 2024-03-09)'],
  [{ hasUsableEmergencyContact: true }, {}, { emergencyContacts: [{ contactId: 1, name: 'x', relation: 'friend', usable: false }] }, 'condition hasUsableEmergencyContact=true not met (0 usable of 1)'],
  [{ anyOf: [{ overdueAmount: { min: '2000.00' } }, { riskBand: ['high'] }] }, { riskBand: 'high' }, {}, 'condition any of (overdueAmount ≥ 2000.00 | riskBand=high) not met (overdueAmount ≥ 2000.00: 1234.50 CNY; riskBand=high: medium)'],
];

test('every condition holds and fails where it should, naming the actual value', () => {
  for (const [when, yes, no, why] of CASES) {
    assert.deepEqual(judge(when, yes), { met: true, why: null }, `${JSON.stringify(when)} should hold for ${JSON.stringify(yes)}`);
    assert.deepEqual(judge(when, no), { met: false, why }, `${JSON.stringify(when)} should fail for ${JSON.stringify(no)}`);
  }
});

test('the case table covers every condition of the schema', () => {
  const covered = new Set(CASES.flatMap(([when]) => Object.keys(when)));
  const all = Object.keys((ConditionsSchema as unknown as { shape: Record<string, unknown> }).shape);
  assert.ok(all.length >= 20);
  assert.deepEqual(all.filter((k) => !covered.has(k)), []);
});

test('all conditions of a block must hold; the first that fails is reported in file order', () => {
  assert.deepEqual(judge({ dpd: { min: 1 }, repeat: true, riskBand: ['low'] }, { isRepeat: false, riskBand: 'high' }), {
    met: false,
    why: 'condition repeat=true not met (false)',
  });
  assert.equal(judge({}).met, true, 'no conditions always hold');
});

test('amount thresholds follow the currency minor unit and round towards the inside of the range', () => {
  assert.equal(judge({ overdueAmount: { min: '1000' } }, { currency: 'JPY', overdueMinor: 1000 }).met, true);
  assert.equal(judge({ overdueAmount: { min: '1000' } }, { currency: 'JPY', overdueMinor: 999 }).met, false);
  assert.equal(judge({ overdueAmount: { min: '10.005' } }, { overdueMinor: 1_000 }).met, false, '10.005 is above 10.00');
  assert.equal(judge({ overdueAmount: { min: '10.005' } }, { overdueMinor: 1_001 }).met, true);
  assert.equal(judge({ overdueAmount: { max: '10.005' } }, { overdueMinor: 1_000 }).met, true);
  assert.equal(judge({ overdueAmount: { max: '10.005' } }, { overdueMinor: 1_001 }).met, false);
});

test('derived values are computed from the facts as of the evaluation date', () => {
  assert.equal(judge({ preDueDays: { min: 3, max: 3 } }, { asOf: '2024-02-27', nextDueDate: '2024-03-01' }).met, true, 'leap-year February');
  assert.equal(judge({ daysSinceLastContact: { min: 1, max: 1 } }, { asOf: '2024-03-01', lastContactOn: '2024-02-29' }).met, true);
});
