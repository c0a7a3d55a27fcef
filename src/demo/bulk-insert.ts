// One INSERT per table per batch, whatever the batch size: every column travels as a single array
// parameter and unnest() turns the arrays back into rows, so loading is bound by the server's work,
// not by round trips or the 65,535-parameter limit. Works unchanged on PGlite and PostgreSQL.
import { CompiledQuery, type Kysely } from 'kysely';
import type { DB } from '../platform/db/types.ts';
import { textArrayLiteral } from '../platform/db/array-literal.ts';

/** The column's SQL type; array and jsonb columns travel as text and are cast per row. */
export type ColumnType = 'bigint' | 'integer' | 'text' | 'date' | 'boolean' | 'timestamptz' | 'text[]' | 'jsonb';

export interface ColumnSpec<Row> {
  column: string;
  type: ColumnType;
  /** Defaults to the row's field of the column's name. */
  value?: (row: Row) => unknown;
}

function wireValue(type: ColumnType, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  // A text[] value per row travels inside a text array, as an array literal.
  if (type === 'text[]') return textArrayLiteral(value as string[]);
  if (type === 'jsonb') return JSON.stringify(value);
  return value;
}

export async function insertRows<Row>(db: Kysely<DB>, table: string, columns: ReadonlyArray<ColumnSpec<Row>>, rows: readonly Row[]): Promise<number> {
  if (rows.length === 0) return 0;
  const names = columns.map((c) => c.column).join(', ');
  const params = columns.map((c, i) => `$${i + 1}::${c.type === 'text[]' || c.type === 'jsonb' ? 'text' : c.type}[]`).join(', ');
  const selected = columns.map((c) => (c.type === 'text[]' || c.type === 'jsonb' ? `${c.column}::${c.type}` : c.column)).join(', ');
  const values = columns.map((c) => {
    const read = c.value ?? ((row: Row) => (row as Record<string, unknown>)[c.column]);
    return rows.map((row) => wireValue(c.type, read(row)));
  });
  const statement = `INSERT INTO ${table} (${names}) SELECT ${selected} FROM unnest(${params}) AS u(${names})`;
  const result = await db.executeQuery(CompiledQuery.raw(statement, values));
  return Number(result.numAffectedRows ?? 0);
}
