import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openTestDatabase, serverUrl } from '../../../test/support/database.ts';
import { runCli } from '../program.ts';

test('overdue demo seed / reset drive the portfolio from the command line', async (t) => {
  // The CLI opens its own database from the environment: a fresh one on the server, or a data folder.
  const server = serverUrl ? await openTestDatabase() : undefined;
  const dataDir = mkdtempSync(join(tmpdir(), 'overdue-demo-cli-'));
  if (server) process.env.DATABASE_URL = server.url;
  else delete process.env.DATABASE_URL;
  process.env.OVERDUE_DATA_DIR = dataDir;
  const printed: string[] = [];
  t.mock.method(console, 'log', (line: string) => printed.push(line));
  t.mock.method(console, 'error', (line: string) => printed.push(line));
  t.mock.method(process.stderr, 'write', (line: string) => printed.push(line));
  const run = async (...argv: string[]) => {
    printed.length = 0;
    process.exitCode = undefined;
    const code = await runCli(argv);
    process.exitCode = undefined;
    return code;
  };
  try {
    assert.equal(await run('demo', 'seed', '--accounts', '300', '--seed', 'cli', '--as-of', '2025-06-30', '--json'), 0);
    const counts = JSON.parse(printed[0]);
    assert.equal(counts.borrowers, 300);
    assert.equal(counts.asOf, '2025-06-30');
    assert.ok(counts.instalments >= 900 && counts.payments > 0);

    assert.equal(await run('demo', 'seed', '--accounts', '300', '--as-of', '2025-06-30'), 1);
    assert.match(printed.join(''), /already holds borrowers/);
    assert.equal(await run('demo', 'reset'), 1);
    assert.match(printed.join(''), /--yes/);
    assert.equal(await run('demo', 'reset', '--yes'), 0);
    assert.match(printed[0], /emptied \d+ tables: .*borrowers/);
    assert.equal(await run('demo', 'seed', '--accounts', '120', '--seed', 'cli', '--as-of', '2025-06-30'), 0);
    assert.match(printed[0], /seeded 120 accounts as of 2025-06-30/);
    assert.equal(await run('demo', 'seed', '--accounts', '0'), 1);
    assert.match(printed.join(''), /--accounts: expected a whole number/);
  } finally {
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
