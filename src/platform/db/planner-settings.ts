// Planner settings for statements whose plan the planner misjudges: set local to the caller's
// transaction (one is opened when there is none) and put back to their defaults right after, so the
// rest of the transaction plans as usual.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from './types.ts';

export type PlannerSetting = 'enable_nestloop' | 'enable_seqscan' | 'enable_bitmapscan';

export async function withPlannerSettings<T>(
  db: Kysely<DB> | Transaction<DB>, settings: Partial<Record<PlannerSetting, 'on' | 'off'>>, run: (trx: Transaction<DB>) => Promise<T>,
): Promise<T> {
  const names = Object.keys(settings) as PlannerSetting[];
  if (names.length === 0) return db.isTransaction ? run(db as Transaction<DB>) : db.transaction().execute(run);
  // One statement to set them all and one to put them back, whatever their number.
  const within = async (trx: Transaction<DB>) => {
    await sql`SELECT ${sql.join(names.map((name) => sql`set_config(${name}, ${settings[name]!}, true)`))}`.execute(trx);
    const result = await run(trx);
    await sql`SELECT set_config(name, reset_val, true) FROM pg_settings WHERE name = ANY(${names}::text[])`.execute(trx);
    return result;
  };
  return db.isTransaction ? within(db as Transaction<DB>) : db.transaction().execute(within);
}
