// An optimistic write: run a statement that may break a unique constraint, and if it does, undo just
// that statement (a savepoint when inside a transaction) so the caller can take its slower, safe path.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from './types.ts';

const UNIQUE_VIOLATION = '23505';

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === UNIQUE_VIOLATION;
}

/** The statement's result, or null when it broke a unique constraint and was undone. Other errors propagate. */
export async function unlessUniqueViolation<T>(db: Kysely<DB> | Transaction<DB>, run: () => Promise<T>): Promise<T | null> {
  const savepoint = db.isTransaction;
  if (savepoint) await sql`SAVEPOINT unless_unique_violation`.execute(db);
  try {
    const result = await run();
    if (savepoint) await sql`RELEASE SAVEPOINT unless_unique_violation`.execute(db);
    return result;
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    if (savepoint) await sql`ROLLBACK TO SAVEPOINT unless_unique_violation`.execute(db);
    return null;
  }
}
