import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseBorrowerRecord, parseLoanRecord, parsePaymentRecord } from './records.ts';

const problems = (parsed: { ok: boolean; problems?: Array<{ path: string; message: string }> }) => (parsed.ok ? [] : parsed.problems!.map((p) => `${p.path}: ${p.message}`));

test('a borrower record is normalised: E.164 phones (default region CN), lower-case e-mail, defaults', () => {
  const parsed = parseBorrowerRecord({
    external_id: 'B1', name: ' 张伟 ', flags: 'vulnerable;dispute',
    contact_points: [{ kind: 'phone', value: '138 0013 8000', consent: 'sms;call', primary: 'true' }, { kind: 'email', value: 'Zhang@Example.COM', consent: ['email'] }],
    emergency_contacts: [{ name: '李娜', relation: 'spouse', phone: '+886 912 345 678', consent_at: '2024-01-05T10:00:00+08:00' }],
  });
  assert.ok(parsed.ok);
  assert.deepEqual(parsed.value, {
    externalId: 'B1', name: '张伟', locale: 'zh-CN', timeZone: 'Asia/Shanghai', flags: ['dispute', 'vulnerable'], riskBand: null, preferredChannel: null,
    contactPoints: [
      { kind: 'phone', value: '+8613800138000', status: 'active', consent: ['call', 'sms'], isPrimary: true },
      { kind: 'email', value: 'zhang@example.com', status: 'active', consent: ['email'], isPrimary: false },
    ],
    emergencyContacts: [{ name: '李娜', relation: 'spouse', phone: '+886912345678', consentAt: '2024-01-05T02:00:00.000Z', status: 'active' }],
  });
});

test('a bad borrower record names each field at fault', () => {
  const parsed = parseBorrowerRecord({
    external_id: 'B 1', name: '', locale: 'fr', time_zone: 'Mars/Olympus', flags: 'rich', preferred_channel: 'fax',
    contact_points: [{ kind: 'phone', value: '12345', consent: 'email' }, { kind: 'email', value: 'not-an-address' }],
    emergency_contacts: [{ name: 'X', relation: 'friend', phone: '+8613900139000', consent_at: 'yesterday' }, { name: 'Y', relation: 'friend', phone: '13900139000' }],
  });
  assert.deepEqual(problems(parsed), [
    'external_id: expected 1–128 letters, digits or . _ : @ / -',
    'name: must not be empty',
    'locale: Invalid option: expected one of "zh-CN"|"zh-TW"|"en"',
    'time_zone: expected an IANA time zone like Asia/Shanghai',
    'flags[0]: Invalid option: expected one of "dispute"|"complaint"|"cease"|"deceased"|"bankruptcy"|"vulnerable"',
    'preferred_channel: Invalid option: expected one of "sms"|"call"|"email"|"push"|"inapp"|"letter"',
    'contact_points[0].value: not a valid phone number: "12345"',
    'contact_points[0].consent: email cannot be consented on a phone contact point',
    'contact_points[1].value: not a valid e-mail address: "not-an-address"',
    'emergency_contacts[0].consent_at: expected an ISO date-time like 2024-05-01T10:00:00+08:00',
  ]);
  const duplicate = parseBorrowerRecord({ external_id: 'B1', name: 'N', emergency_contacts: [{ name: 'X', relation: 'r', phone: '+8613900139000' }, { name: 'Y', relation: 'r', phone: '139 0013 9000' }] });
  assert.deepEqual(problems(duplicate), ['emergency_contacts[1].phone: duplicate of emergency_contacts[0] (+8613900139000)']);
});

const loan = (over: Record<string, unknown> = {}) => ({
  external_id: 'L1', borrower_external_id: 'B1', product_id: 'shop-instalment', currency: 'CNY', principal: '200.00', opened_on: '2024-01-31',
  instalments: [{ seq: '1', due_date: '2024-02-29', principal: '100.00', interest: '1.50' }, { seq: 2, due_date: '2024-03-31', principal: '100', fee: '0.5' }],
  ...over,
});

test('a loan record becomes minor units with its schedule', () => {
  const parsed = parseLoanRecord(loan());
  assert.ok(parsed.ok);
  assert.deepEqual(parsed.value.instalments, [
    { seq: 1, dueDate: '2024-02-29', principalMinor: 10_000, interestMinor: 150, feeMinor: 0 },
    { seq: 2, dueDate: '2024-03-31', principalMinor: 10_000, interestMinor: 0, feeMinor: 50 },
  ]);
  assert.deepEqual([parsed.value.principalMinor, parsed.value.status], [20_000, 'active']);
});

test('loan amounts and schedules are checked field by field', () => {
  assert.deepEqual(problems(parseLoanRecord(loan({ opened_on: '2023-02-29', principal: '200.001', currency: 'CNY' }))), [
    'opened_on: expected a calendar date YYYY-MM-DD',
    'principal: "200.001" has 3 decimal(s); CNY allows 2',
  ]);
  assert.deepEqual(problems(parseLoanRecord(loan({ principal: '150.00', instalments: [
    { seq: 2, due_date: '2024-01-01', principal: '100.00' }, { seq: 2, due_date: '2023-12-31', principal: '100.00' }, { seq: 3, due_date: '2024-05-01', principal: '0' },
  ] }))), [
    'instalments[0].seq: expected 1: instalments are numbered 1, 2, 3 … in order',
    'instalments[0].due_date: is before the loan was opened (2024-01-31)',
    'instalments[1].due_date: is before the loan was opened (2024-01-31)',
    'instalments[1].due_date: is before the previous instalment\'s due date (2024-01-01)',
    'instalments[2].principal: an instalment must ask for something: principal, interest and fee are all 0',
    'principal: the instalments\' principal adds up to 20000 minor units, not 15000',
  ]);
  assert.deepEqual(problems(parseLoanRecord(loan({ instalments: [] }))), ['instalments: a loan needs at least one instalment']);
  assert.deepEqual(problems(parseLoanRecord(loan({ currency: 'JPY', principal: '200.00' }))).slice(0, 1), ['principal: "200.00" has 2 decimal(s); JPY allows 0']);
});

test('payment rows need the payment fields, reversal rows the reversal fields, and neither the other\'s', () => {
  const payment = parsePaymentRecord({ external_id: 'P1', loan_external_id: 'L1', channel: 'auto_debit', paid_on: '2024-02-29', amount: '10.00' });
  assert.deepEqual(payment, { ok: true, value: { type: 'payment', externalId: 'P1', loanExternalId: 'L1', channel: 'auto_debit', paidOn: '2024-02-29', amount: '10.00', currency: undefined } });
  const reversal = parsePaymentRecord({ type: 'reversal', external_id: 'P1', reversed_on: '2024-03-01', reason: 'chargeback' });
  assert.deepEqual(reversal, { ok: true, value: { type: 'reversal', externalId: 'P1', reversedOn: '2024-03-01', reason: 'chargeback', loanExternalId: undefined } });
  assert.deepEqual(problems(parsePaymentRecord({ external_id: 'P1', channel: 'cash', amount: 10, reason: 'x' })), [
    'channel: Invalid option: expected one of "auto_debit"|"transfer"|"wallet"|"agent"',
    'amount: expected a decimal amount in major units, as a string like "1234.56"',
  ]);
  assert.deepEqual(problems(parsePaymentRecord({ external_id: 'P1', reason: 'x' })), [
    'loan_external_id: required for a payment', 'channel: required for a payment', 'paid_on: required for a payment', 'amount: required for a payment',
    'reason: applies only to a reversal',
  ]);
  assert.deepEqual(problems(parsePaymentRecord({ type: 'reversal', external_id: 'P1', amount: '1.00' })), [
    'reversed_on: required for a reversal', 'reason: required for a reversal', 'amount: applies only to a payment',
  ]);
});
