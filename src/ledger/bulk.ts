// Set-based SQL helpers for the ledger's batch writes: one statement per batch whatever its size,
// with arrays as single parameters (PostgreSQL allows 65,535 parameters per statement).
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { DB } from '../platform/db/types.ts';

/** `column = any($1::type[])`: a membership test with one parameter however long the list. */
export function isAnyOf(column: string, values: readonly (string | number)[], pgType: 'bigint' | 'text'): RawBuilder<boolean> {
  return sql<boolean>`${sql.ref(column)} = any(${[...values]}::${sql.raw(pgType)}[])`;
}

/** Rows for multi-row INSERTs, sized so that no statement nears the parameter limit. */
export function inChunks<T>(rows: readonly T[], size = 1000): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < rows.length; i += size) chunks.push(rows.slice(i, i + size));
  return chunks;
}

/**
 * Splits rows into waves in which each key appears at most once, keeping their order: applying the waves
 * one after the other gives a batch the same meaning as applying its rows one by one.
 */
export function inWaves<T>(rows: readonly T[], keyOf: (row: T) => string): Array<Array<{ row: T; index: number }>> {
  const waves: Array<Array<{ row: T; index: number }>> = [];
  const seen = new Map<string, number>();
  rows.forEach((row, index) => {
    const key = keyOf(row);
    const wave = seen.get(key) ?? 0;
    seen.set(key, wave + 1);
    (waves[wave] ??= []).push({ row, index });
  });
  return waves;
}

/**
 * Applies rows wave by wave (see inWaves) and returns one result per row, in the rows' order: a row
 * listed twice in one batch is applied twice, in order, as if the rows came one by one.
 */
export async function applyInWaves<T, R>(rows: readonly T[], keyOf: (row: T) => string, apply: (wave: T[]) => Promise<R[]>): Promise<R[]> {
  const results: R[] = new Array(rows.length);
  for (const wave of inWaves(rows, keyOf)) {
    const applied = await apply(wave.map((w) => w.row));
    wave.forEach((w, n) => (results[w.index] = applied[n]));
  }
  return results;
}

/** Runs fn in a transaction, or in the caller's when db already is one (so use-cases compose). */
export function inTransaction<T>(db: Kysely<DB>, fn: (trx: Kysely<DB>) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db) : db.transaction().execute(fn);
}

/** Locks loans in id order so that concurrent postings to one loan replay one after the other. */
export async function lockLoans(trx: Kysely<DB>, loanIds: readonly number[]): Promise<void> {
  if (loanIds.length === 0) return;
  await sql`SELECT loan_id FROM loans WHERE ${isAnyOf('loan_id', loanIds, 'bigint')} ORDER BY loan_id FOR UPDATE`.execute(trx);
}
