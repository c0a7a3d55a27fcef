// Empties the portfolio for a fresh demo: every per-borrower table (one with a borrower_id column, which
// by the architecture's rule is every table of portfolio data) and the cycle runs over it. Products,
// strategies, templates and other configuration stay.
import { sql, type Kysely } from 'kysely';
import type { DB } from '../platform/db/types.ts';

export async function resetPortfolio(db: Kysely<DB>): Promise<{ tables: string[] }> {
  const found = await sql<{ table_name: string }>`SELECT DISTINCT c.table_name FROM information_schema.columns c
    JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
    WHERE c.table_schema = current_schema() AND c.column_name IN ('borrower_id', 'lo_borrower_id')
    ORDER BY c.table_name`.execute(db);
  const tables = found.rows.map((r) => r.table_name);
  // CASCADE also empties tables that only reference portfolio rows by foreign key.
  if (tables.length > 0) await sql`TRUNCATE ${sql.join(tables.map((t) => sql.table(t)))} RESTART IDENTITY CASCADE`.execute(db);
  return { tables };
}
