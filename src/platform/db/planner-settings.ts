// Planner settings for statements whose plan the planner misjudges: set local to the caller's
// transaction (one is opened when there is none) and put back to their defaults right after, so the
// rest of the transaction plans as usual.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from './types.ts';

export type PlannerSetting = 'enable_nestloop' | 'enable_seqscan';

export async function withPlannerSettings<T>(
  db: Kysely<DB> | Transaction<DB>, settings: Partial<Record<PlannerSetting, 'on' | 'off'>>, run: (trx: Transaction<DB>) => Promise<T>,
): Promise<T> {
  const names = Object.keys(settings) as PlannerSetting[];
  const within = async (trx: Transaction<DB>) => {
    for (const name of names) await sql`SELECT set_config(${name}, ${settings[name]!}, true)`.execute(trx);
    const result = await run(trx);
    for (const name of names) await sql`SET LOCAL ${sql.raw(name)} TO DEFAULT`.execute(trx);
    return result;
  };
  return db.isTransaction ? within(db as Transaction<DB>) : db.transaction().execute(within);
}
