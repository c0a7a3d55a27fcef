import type { Command } from 'commander';
import { loadConfig } from '../../platform/config.ts';
import { openDatabase } from '../../platform/db/connect.ts';
import { migrate } from '../../platform/db/migrate.ts';

export function registerDatabaseCommands(program: Command): void {
  const db = program.command('db').description('database maintenance');
  db.command('migrate')
    .description('apply pending SQL migrations (also done automatically on start)')
    .action(async () => {
      const config = loadConfig();
      const database = await openDatabase({ url: config.DATABASE_URL, dataDir: config.OVERDUE_DATA_DIR });
      try {
        const result = await migrate(database);
        const where = database.kind === 'server' ? 'PostgreSQL server' : `embedded database in ${config.OVERDUE_DATA_DIR}`;
        console.log(`${where}: applied ${result.applied.length} migration(s)${result.applied.length ? ` (${result.applied.join(', ')})` : ''}, ${result.alreadyApplied} already applied`);
      } finally {
        await database.close();
      }
    });
}
