// Ledger records as they arrive from files and HTTP bodies (snake_case, amounts in major units, phones as
// typed): one zod schema per kind that validates a record and turns it into the use-cases' input. Phones
// become E.164 (default region CN), e-mails lower case, amounts exact minor units.
import { z } from 'zod';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { isCalendarDate, isTimeZone } from '../platform/core/calendar.ts';
import { ACCOUNT_FLAGS, CHANNELS } from '../strategy/core/facts.ts';
import { CONTACT_KIND_OF_CHANNEL } from './core/contact-points.ts';
import { isSupportedCurrency, parseAmount } from '../platform/core/money.ts';
import { problemsOf, type Problem } from './core/issues.ts';
import { scheduleProblems } from './core/schedule.ts';
import type { BorrowerInput, LoanInput, ReversalInput } from './core/types.ts';

const DEFAULT_PHONE_REGION = 'CN';

const text = z.string().trim().min(1, 'must not be empty');
const externalId = z.string().trim().regex(/^[\w.:@/-]{1,128}$/, 'expected 1–128 letters, digits or . _ : @ / -');
const calendarDate = z.string().refine(isCalendarDate, 'expected a calendar date YYYY-MM-DD');
/** A list written as an array or, in CSV, as "a;b;c". */
const list = <T extends z.ZodType>(item: T) =>
  z.preprocess((v) => (typeof v === 'string' ? v.split(';').map((s) => s.trim()).filter(Boolean) : v), z.array(item));
const booleanText = z.preprocess((v) => {
  if (typeof v !== 'string') return v;
  const word = v.trim().toLowerCase();
  return ['true', 'yes', '1'].includes(word) ? true : ['false', 'no', '0'].includes(word) ? false : v;
}, z.boolean({ error: 'expected true or false' }));
const wholeNumber = z.preprocess((v) => (typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : v), z.number().int());
const amount = z.string({ error: 'expected a decimal amount in major units, as a string like "1234.56"' });
const currency = z.string().refine(isSupportedCurrency, 'expected a supported ISO 4217 currency code such as CNY');

export function toE164(phone: string): string | null {
  const parsed = parsePhoneNumberFromString(phone, DEFAULT_PHONE_REGION);
  return parsed?.isValid() ? parsed.number : null;
}

const phone = z.string().transform((value, ctx) => {
  const e164 = toE164(value);
  if (e164 === null) ctx.issues.push({ code: 'custom', input: value, message: `not a valid phone number: ${JSON.stringify(value)}` });
  return e164 ?? value;
});

const ContactPointRecord = z
  .object({
    kind: z.enum(['phone', 'email', 'device', 'address']),
    value: text,
    status: z.enum(['active', 'invalid', 'changed']).default('active'),
    consent: list(z.enum(CHANNELS)).default([]),
    primary: booleanText.default(false),
  })
  .strict()
  .transform((c, ctx) => {
    let value = c.value;
    if (c.kind === 'phone') {
      const e164 = toE164(c.value);
      if (e164 === null) ctx.issues.push({ code: 'custom', input: c.value, path: ['value'], message: `not a valid phone number: ${JSON.stringify(c.value)}` });
      value = e164 ?? c.value;
    } else if (c.kind === 'email') {
      value = c.value.toLowerCase();
      if (!z.email().safeParse(value).success) ctx.issues.push({ code: 'custom', input: c.value, path: ['value'], message: `not a valid e-mail address: ${JSON.stringify(c.value)}` });
    }
    for (const channel of c.consent) {
      if (CONTACT_KIND_OF_CHANNEL[channel] !== c.kind) {
        ctx.issues.push({ code: 'custom', input: channel, path: ['consent'], message: `${channel} cannot be consented on a ${c.kind} contact point` });
      }
    }
    return { kind: c.kind, value, status: c.status, consent: [...new Set(c.consent)].sort(), isPrimary: c.primary };
  });

const EmergencyContactRecord = z
  .object({
    name: text,
    relation: text,
    phone,
    consent_at: z.iso.datetime({ offset: true, error: 'expected an ISO date-time like 2024-05-01T10:00:00+08:00' }).optional(),
    status: z.enum(['active', 'blocked', 'invalid']).default('active'),
  })
  .strict()
  .transform((e) => ({ name: e.name, relation: e.relation, phone: e.phone, consentAt: e.consent_at ? new Date(e.consent_at).toISOString() : null, status: e.status }));

export const BorrowerRecordSchema = z
  .object({
    external_id: externalId,
    name: text,
    locale: z.enum(['zh-CN', 'zh-TW', 'en']).default('zh-CN'),
    time_zone: z.string().refine(isTimeZone, 'expected an IANA time zone like Asia/Shanghai').default('Asia/Shanghai'),
    flags: list(z.enum(ACCOUNT_FLAGS)).default([]),
    risk_band: text.optional(),
    preferred_channel: z.enum(CHANNELS).optional(),
    contact_points: z.array(ContactPointRecord).default([]),
    emergency_contacts: z.array(EmergencyContactRecord).default([]),
  })
  .strict()
  .superRefine((b, ctx) => {
    reportDuplicates(b.contact_points.map((c) => `${c.kind} ${c.value}`), 'contact_points', 'value', ctx);
    reportDuplicates(b.emergency_contacts.map((e) => e.phone), 'emergency_contacts', 'phone', ctx);
  })
  .transform((b): BorrowerInput => ({
    externalId: b.external_id,
    name: b.name,
    locale: b.locale,
    timeZone: b.time_zone,
    flags: [...new Set(b.flags)].sort(),
    riskBand: b.risk_band ?? null,
    preferredChannel: b.preferred_channel ?? null,
    contactPoints: b.contact_points,
    emergencyContacts: b.emergency_contacts,
  }));

function reportDuplicates(keys: string[], listName: string, field: string, ctx: z.RefinementCtx): void {
  keys.forEach((key, i) => {
    const first = keys.indexOf(key);
    if (first < i) ctx.addIssue({ code: 'custom', path: [listName, i, field], message: `duplicate of ${listName}[${first}] (${key})` });
  });
}

const InstalmentRecord = z
  .object({ seq: wholeNumber.pipe(z.number().min(1)), due_date: calendarDate, principal: amount, interest: amount.default('0'), fee: amount.default('0') })
  .strict();

export const LoanRecordSchema = z
  .object({
    external_id: externalId,
    borrower_external_id: externalId,
    product_id: text,
    currency,
    principal: amount,
    opened_on: calendarDate,
    status: z.enum(['active', 'closed', 'written_off']).default('active'),
    instalments: z.array(InstalmentRecord).min(1, 'a loan needs at least one instalment'),
  })
  .strict()
  .superRefine((loan, ctx) => {
    if (!isSupportedCurrency(loan.currency)) return;
    const amounts: Array<[string, PropertyKey[]]> = [[loan.principal, ['principal']], ...loan.instalments.flatMap((i, n) =>
      (['principal', 'interest', 'fee'] as const).map((field): [string, PropertyKey[]] => [i[field], ['instalments', n, field]]))];
    for (const [value, path] of amounts) {
      const parsed = parseAmount(value, loan.currency);
      if (!parsed.ok) ctx.addIssue({ code: 'custom', path, message: parsed.reason });
    }
  })
  .transform((loan, ctx): LoanInput => {
    const minor = (value: string) => (parseAmount(value, loan.currency) as { minor: number }).minor;
    const input: LoanInput = {
      externalId: loan.external_id,
      borrowerExternalId: loan.borrower_external_id,
      productId: loan.product_id,
      currency: loan.currency,
      principalMinor: minor(loan.principal),
      openedOn: loan.opened_on,
      status: loan.status,
      instalments: loan.instalments.map((i) => ({
        seq: i.seq, dueDate: i.due_date, principalMinor: minor(i.principal), interestMinor: minor(i.interest), feeMinor: minor(i.fee),
      })),
    };
    for (const p of scheduleProblems(input)) ctx.issues.push({ code: 'custom', input: undefined, path: p.path, message: p.message });
    return input;
  });

const PAYMENT_ONLY_FIELDS = ['channel', 'paid_on', 'amount', 'currency'] as const;

export const PaymentRecordSchema = z
  .object({
    type: z.enum(['payment', 'reversal']).default('payment'),
    external_id: externalId,
    loan_external_id: externalId.optional(),
    channel: z.enum(['auto_debit', 'transfer', 'wallet', 'agent']).optional(),
    paid_on: calendarDate.optional(),
    amount: amount.optional(),
    currency: currency.optional(),
    reversed_on: calendarDate.optional(),
    reason: text.optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    const required = p.type === 'payment' ? (['loan_external_id', 'channel', 'paid_on', 'amount'] as const) : (['reversed_on', 'reason'] as const);
    for (const field of required) if (p[field] === undefined) ctx.addIssue({ code: 'custom', path: [field], message: `required for a ${p.type}` });
    const foreign = p.type === 'payment' ? (['reversed_on', 'reason'] as const) : PAYMENT_ONLY_FIELDS;
    for (const field of foreign) if (p[field] !== undefined) ctx.addIssue({ code: 'custom', path: [field], message: `applies only to a ${p.type === 'payment' ? 'reversal' : 'payment'}` });
  })
  .transform((p): PaymentRecord =>
    p.type === 'payment'
      ? { type: 'payment', externalId: p.external_id, loanExternalId: p.loan_external_id!, channel: p.channel!, paidOn: p.paid_on!, amount: p.amount!, currency: p.currency }
      : { type: 'reversal', externalId: p.external_id, reversedOn: p.reversed_on!, reason: p.reason!, loanExternalId: p.loan_external_id },
  );

/** A payment keeps its amount as written until its loan's currency is known; see paymentInputOf. */
export type PaymentRecord =
  | { type: 'payment'; externalId: string; loanExternalId: string; channel: 'auto_debit' | 'transfer' | 'wallet' | 'agent'; paidOn: string; amount: string; currency?: string }
  | ({ type: 'reversal' } & ReversalInput);

export type RecordParse<T> = { ok: true; value: T } | { ok: false; problems: Problem[] };

function parseWith<T>(schema: z.ZodType<T>, value: unknown): RecordParse<T> {
  const parsed = schema.safeParse(value);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, problems: problemsOf(parsed.error.issues) };
}

export const parseBorrowerRecord = (value: unknown) => parseWith(BorrowerRecordSchema, value);
export const parseLoanRecord = (value: unknown) => parseWith(LoanRecordSchema, value);
export const parsePaymentRecord = (value: unknown) => parseWith(PaymentRecordSchema, value);
