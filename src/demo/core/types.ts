// One generated demo account as the rows it becomes: field names are the columns of the ledger and
// collection tables (migrations 0001 and 0003), so the loader copies them without translation.
// Ids the database assigns itself (contact points, payments, promises, outcomes, events) are absent.
// Instants are ISO texts with the zone's offset; every demo zone is UTC+8 without daylight saving.
import type { AllocationLine } from '../../ledger/core/allocate-payments.ts';

export type BehaviourProfile = 'on_time' | 'late_then_cure' | 'chronic_late' | 'defaulter' | 'partial';
export const BEHAVIOUR_PROFILES: readonly BehaviourProfile[] = ['on_time', 'late_then_cure', 'chronic_late', 'defaulter', 'partial'];

export type PaymentChannel = 'auto_debit' | 'transfer' | 'wallet' | 'agent';

export interface DemoBorrower {
  borrower_id: number;
  external_id: string;
  name: string;
  locale: 'zh-CN' | 'zh-TW' | 'en';
  time_zone: string;
  flags: string[];
  risk_band: 'low' | 'medium' | 'high';
  preferred_channel: string | null;
  created_at: string;
}

export interface DemoContactPoint {
  borrower_id: number;
  kind: 'phone' | 'email' | 'device' | 'address';
  value: string;
  status: 'active' | 'invalid' | 'changed';
  status_changed_at: string | null;
  consent: string[];
  is_primary: boolean;
  created_at: string;
}

export interface DemoEmergencyContact {
  borrower_id: number;
  name: string;
  relation: string;
  phone: string;
  consent_at: string | null;
  status: 'active' | 'invalid';
  created_at: string;
}

export interface DemoLoan {
  borrower_id: number;
  loan_id: number;
  external_id: string;
  product_id: string;
  currency: string;
  principal_minor: number;
  opened_on: string;
  status: 'active' | 'closed';
  created_at: string;
}

export interface DemoInstalment {
  borrower_id: number;
  loan_id: number;
  seq: number;
  due_date: string;
  principal_minor: number;
  interest_minor: number;
  fee_minor: number;
  paid_principal_minor: number;
  paid_interest_minor: number;
  paid_fee_minor: number;
  paid_late_fee_minor: number;
  settled_on: string | null;
}

export interface DemoPayment {
  borrower_id: number;
  loan_id: number;
  external_id: string;
  amount_minor: number;
  currency: string;
  channel: PaymentChannel;
  paid_on: string;
  status: 'posted' | 'reversed';
  reversed_on: string | null;
  reversal_reason: string | null;
  allocation: AllocationLine[];
  received_at: string;
}

export interface DemoPromise {
  borrower_id: number;
  loan_id: number;
  amount_minor: number;
  promised_on: string;
  due_on: string;
  status: 'open' | 'kept' | 'broken';
  resolved_on: string | null;
  created_at: string;
}

export interface DemoContactOutcome {
  borrower_id: number;
  loan_id: number;
  channel: string;
  party: 'borrower' | 'emergency_contact';
  outcome: 'delivered' | 'bounced' | 'no_answer' | 'answered' | 'refused' | 'right_party_contact';
  occurred_at: string;
}

export interface DemoAccountEvent {
  borrower_id: number;
  loan_id: number;
  kind: 'promise_broken' | 'contact_changed' | 'contact_bounced' | 'payment_reversed';
  occurred_on: string;
  detail: Record<string, unknown>;
}

export interface DemoAccount {
  index: number;
  profile: BehaviourProfile;
  borrower: DemoBorrower;
  contactPoints: DemoContactPoint[];
  emergencyContacts: DemoEmergencyContact[];
  loan: DemoLoan;
  instalments: DemoInstalment[];
  payments: DemoPayment[];
  promises: DemoPromise[];
  contactOutcomes: DemoContactOutcome[];
  events: DemoAccountEvent[];
}
