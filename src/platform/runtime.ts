// Opens the configured database for a command or the server and applies pending migrations.
import { loadConfig, type Config } from './config.ts';
import { openDatabase, type Database } from './db/connect.ts';
import { migrate } from './db/migrate.ts';

export interface Runtime {
  config: Config;
  database: Database;
}

export async function openRuntime(options: { poolSize?: number; migrate?: boolean } = {}): Promise<Runtime> {
  const config = loadConfig();
  const database = await openDatabase({ url: config.DATABASE_URL, dataDir: config.OVERDUE_DATA_DIR, poolSize: options.poolSize });
  if (options.migrate !== false) await migrate(database);
  return { config, database };
}

/** Runs fn with an open runtime and always closes the database afterwards. */
export async function withRuntime<T>(fn: (runtime: Runtime) => Promise<T>, options: { poolSize?: number; migrate?: boolean } = {}): Promise<T> {
  const runtime = await openRuntime(options);
  try {
    return await fn(runtime);
  } finally {
    await runtime.database.close();
  }
}
