// The ledger's plain data as the use-cases take it: validated, normalised (E.164 phones, minor units,
// calendar dates) and in the domain's words. Files and HTTP bodies reach these through records.ts.
import type { AccountFlag, Channel } from '../../strategy/core/facts.ts';

export type Locale = 'zh-CN' | 'zh-TW' | 'en';
export type ContactPointKind = 'phone' | 'email' | 'device' | 'address';
export type ContactPointStatus = 'active' | 'invalid' | 'changed';
export type EmergencyContactStatus = 'active' | 'blocked' | 'invalid';
export type LoanStatus = 'active' | 'closed' | 'written_off';
export type PaymentChannel = 'auto_debit' | 'transfer' | 'wallet' | 'agent';

export interface ContactPointInput {
  kind: ContactPointKind;
  /** E.164 for phones, lower-cased address for e-mail, the app's id for a device. */
  value: string;
  status: ContactPointStatus;
  /** Channels the borrower agreed to be reached on through this contact point. */
  consent: Channel[];
  isPrimary: boolean;
}

export interface EmergencyContactInput {
  name: string;
  relation: string;
  /** E.164. */
  phone: string;
  /** When the borrower named the contact and agreed to outreach (ISO instant), if recorded. */
  consentAt: string | null;
  status: EmergencyContactStatus;
}

/** A borrower as the lender's system knows it today: contact points and emergency contacts are the full list. */
export interface BorrowerInput {
  externalId: string;
  name: string;
  locale: Locale;
  timeZone: string;
  flags: AccountFlag[];
  riskBand: string | null;
  preferredChannel: Channel | null;
  contactPoints: ContactPointInput[];
  emergencyContacts: EmergencyContactInput[];
}

export interface InstalmentInput {
  seq: number;
  dueDate: string;
  principalMinor: number;
  interestMinor: number;
  feeMinor: number;
}

export interface LoanInput {
  externalId: string;
  borrowerExternalId: string;
  productId: string;
  currency: string;
  principalMinor: number;
  openedOn: string;
  status: LoanStatus;
  instalments: InstalmentInput[];
}

export interface PaymentInput {
  externalId: string;
  loanExternalId: string;
  channel: PaymentChannel;
  paidOn: string;
  amountMinor: number;
  /** When given it must be the loan's currency. */
  currency?: string;
}

/** Marks a posted payment as failed or charged back (failed auto-debit, chargeback). */
export interface ReversalInput {
  /** The payment's external id. */
  externalId: string;
  reversedOn: string;
  reason: string;
  /** When given it must be the payment's loan. */
  loanExternalId?: string;
}

/** What became of one input row; rejections name the field at fault when there is one. */
export type RowOutcome =
  | { outcome: 'accepted'; id: number }
  | { outcome: 'unchanged'; id: number }
  | { outcome: 'rejected'; field: string | null; reason: string };

export function rejectRow(field: string | null, reason: string): RowOutcome {
  return { outcome: 'rejected', field, reason };
}
