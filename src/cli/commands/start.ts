import type { Command } from 'commander';
import { sql } from 'kysely';
import { fileURLToPath } from 'node:url';
import { openRuntime } from '../../platform/runtime.ts';
import { today } from '../../platform/clock.ts';
import { buildServer } from '../../http/server.ts';
import { prepareDemo } from '../demo-setup.ts';

export const STRATEGIES_DIR = fileURLToPath(new URL('../../../strategies/', import.meta.url));

export function registerStartCommand(program: Command): void {
  program.command('start')
    .description('start the server (migrates the database first); --demo loads a demo portfolio into an empty database')
    .option('--demo', 'seed a demo portfolio, activate the shipped strategies and run today\'s cycle when the database is empty')
    .option('--demo-accounts <n>', 'accounts in the demo portfolio', '2000')
    .option('--port <port>', 'port to listen on (default PORT or 8080)')
    .action(async (opts: { demo?: boolean; demoAccounts: string; port?: string }) => {
      const { config, database } = await openRuntime();
      if (opts.demo) {
        const existing = await sql<{ n: number }>`SELECT count(*)::int AS n FROM borrowers`.execute(database.db);
        if (existing.rows[0].n === 0) {
          const asOf = today(config.OVERDUE_TIME_ZONE);
          console.log(`demo: seeding ${opts.demoAccounts} accounts as of ${asOf} into ${database.kind === 'server' ? 'the PostgreSQL server' : config.OVERDUE_DATA_DIR}…`);
          const summary = await prepareDemo(database, { accounts: Number(opts.demoAccounts), asOf, strategiesDir: STRATEGIES_DIR });
          console.log(`demo: ${summary}`);
        } else {
          console.log(`demo: database already holds ${existing.rows[0].n} borrowers; leaving it as it is`);
        }
      }
      const app = buildServer({ database, logLevel: config.OVERDUE_LOG_LEVEL });
      const port = opts.port !== undefined ? Number(opts.port) : config.PORT;
      const close = async () => {
        await app.close();
        await database.close();
        process.exit(0);
      };
      process.once('SIGINT', close);
      process.once('SIGTERM', close);
      await app.listen({ port, host: config.HOST });
      console.log(`Overdue listening on http://${config.HOST}:${port} (health: /health, portfolio: /api/portfolio)`);
    });
}
