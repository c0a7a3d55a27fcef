// Versioned SQL migrations from migrations/NNNN_name.sql, each applied once in its own transaction
// under an advisory lock, so concurrent starts and re-runs are safe. A changed applied file is refused.
import { readdirSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import type { Database } from './connect.ts';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../../migrations/', import.meta.url));

export interface Migration {
  version: string;
  name: string;
  sqlText: string;
  checksum: string;
}

export function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_-]+\.sql$/.test(f))
    .sort()
    .map((file) => {
      const sqlText = readFileSync(dir + file, 'utf8');
      return {
        version: file.slice(0, 4),
        name: file.slice(5, -4),
        sqlText,
        checksum: createHash('sha256').update(sqlText).digest('hex'),
      };
    });
}

export interface MigrateResult {
  applied: string[];
  alreadyApplied: number;
}

const LOCK_KEY = 7_461_100;

export async function migrate(database: Database, dir = MIGRATIONS_DIR): Promise<MigrateResult> {
  const migrations = readMigrations(dir);
  await database.runScript(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version text PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now())`);
  // What is applied already, read once: a start with nothing to apply costs one query, not one per file.
  const checksums = new Map((await sql<{ version: string; checksum: string }>`SELECT version, checksum FROM schema_migrations`.execute(database.db)).rows
    .map((r) => [r.version, r.checksum]));
  const applied: string[] = [];
  let alreadyApplied = 0;
  for (const m of migrations) {
    const escaped = m.sqlText;
    const script = `BEGIN;
SELECT pg_advisory_xact_lock(${LOCK_KEY});
DO $migrate$ BEGIN
  IF EXISTS (SELECT 1 FROM schema_migrations WHERE version = '${m.version}') THEN
    RAISE EXCEPTION 'overdue:already-applied';
  END IF;
END $migrate$;
${escaped}
INSERT INTO schema_migrations (version, name, checksum) VALUES ('${m.version}', '${m.name}', '${m.checksum}');
COMMIT;`;
    const checksum = checksums.get(m.version);
    if (checksum !== undefined) {
      if (checksum !== m.checksum) {
        throw new Error(`migration ${m.version}_${m.name}.sql was changed after it was applied (checksum differs); add a new migration instead`);
      }
      alreadyApplied++;
      continue;
    }
    try {
      await database.runScript(script);
      applied.push(`${m.version}_${m.name}`);
    } catch (error) {
      await database.runScript('ROLLBACK').catch(() => undefined);
      if (String((error as Error).message).includes('overdue:already-applied')) {
        alreadyApplied++;
        continue;
      }
      throw new Error(`migration ${m.version}_${m.name}.sql failed: ${(error as Error).message}`);
    }
  }
  return { applied, alreadyApplied };
}
