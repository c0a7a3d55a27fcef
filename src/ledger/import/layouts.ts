// The flat CSV layout of each import kind (documented in ../IMPORT.md): which columns a header must and
// may have, and how the rows of one record (a loan and its instalments, a borrower and his contact points)
// are folded into the nested record that NDJSON lines carry directly.

export type ImportKind = 'borrowers' | 'loans' | 'payments';
export const IMPORT_KINDS: readonly ImportKind[] = ['borrowers', 'loans', 'payments'];

export interface ItemLayout {
  /** The record's list field the item goes into. */
  field: string;
  /** CSV column → the item's field. A row carries an item when any of these columns is filled. */
  columns: Readonly<Record<string, string>>;
}

export interface CsvLayout {
  /** Columns of the record itself; with items they are repeated (or left blank) on each row of the record. */
  recordColumns: readonly string[];
  items: readonly ItemLayout[];
  /** Problems with a header, as "what is wrong" messages. */
  headerProblems(columns: readonly string[]): string[];
  /** What one record is called in messages. */
  noun: string;
}

const missing = (columns: readonly string[], required: readonly string[]) =>
  required.filter((c) => !columns.includes(c)).map((c) => `missing column "${c}"`);

function layout(noun: string, required: readonly string[], recordColumns: readonly string[], items: readonly ItemLayout[] = []): CsvLayout {
  return { noun, recordColumns, items, headerProblems: (columns) => missing(columns, required) };
}

export const CSV_LAYOUTS: Readonly<Record<ImportKind, CsvLayout>> = {
  borrowers: layout('borrower', ['external_id', 'name'], ['external_id', 'name', 'locale', 'time_zone', 'flags', 'risk_band', 'preferred_channel'], [
    { field: 'contact_points', columns: { contact_kind: 'kind', contact_value: 'value', contact_status: 'status', contact_consent: 'consent', contact_primary: 'primary' } },
    { field: 'emergency_contacts', columns: { emergency_name: 'name', emergency_relation: 'relation', emergency_phone: 'phone', emergency_consent_at: 'consent_at', emergency_status: 'status' } },
  ]),
  loans: layout('loan', ['external_id', 'borrower_external_id', 'product_id', 'currency', 'principal', 'opened_on', 'seq', 'due_date', 'instalment_principal'],
    ['external_id', 'borrower_external_id', 'product_id', 'currency', 'principal', 'opened_on', 'status'], [
      { field: 'instalments', columns: { seq: 'seq', due_date: 'due_date', instalment_principal: 'principal', instalment_interest: 'interest', instalment_fee: 'fee' } },
    ]),
  payments: {
    noun: 'payment',
    recordColumns: ['type', 'external_id', 'loan_external_id', 'channel', 'paid_on', 'amount', 'currency', 'reversed_on', 'reason'],
    items: [],
    // A file of reversals only needs no payment columns; without a type column every row is a payment.
    headerProblems: (columns) => missing(columns, columns.includes('type') ? ['external_id'] : ['external_id', 'loan_external_id', 'channel', 'paid_on', 'amount']),
  },
};

export function columnsOf(layout: CsvLayout): string[] {
  return [...layout.recordColumns, ...layout.items.flatMap((item) => Object.keys(item.columns))];
}
