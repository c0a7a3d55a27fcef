// Runs work that refreshes delinquency and gathers facts inside a transaction that is always rolled
// back: explain and diff see the portfolio exactly as the cycle would, and change nothing.
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../platform/db/types.ts';

class RolledBack<T> extends Error {
  readonly value: T;
  constructor(value: T) {
    super('read-only transaction rolled back');
    this.value = value;
  }
}

export async function withRollback<T>(db: Kysely<DB>, fn: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
  try {
    await db.transaction().execute(async (trx) => {
      throw new RolledBack(await fn(trx));
    });
  } catch (error) {
    if (error instanceof RolledBack) return error.value as T;
    throw error;
  }
  throw new Error('unreachable: the read-only transaction committed');
}
