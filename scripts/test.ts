// `npm test`: type-check, then every *.test.ts under src/ and test/ with Node's test runner.
// The database tests use the embedded database unless TEST_DATABASE_URL names a PostgreSQL server.
import { spawnSync } from 'node:child_process';

const extra = process.argv.slice(2);
const target = process.env.TEST_DATABASE_URL ? `PostgreSQL server (${new URL(process.env.TEST_DATABASE_URL).host})` : 'embedded database';
console.log(`overdue tests on the ${target}`);

if (!extra.includes('--no-typecheck')) {
  const tsc = spawnSync('tsc', ['--noEmit', '-p', '.'], { stdio: 'inherit', shell: false });
  if (tsc.status !== 0) {
    console.error('type check failed');
    process.exit(tsc.status ?? 1);
  }
}
const patterns = extra.filter((a) => !a.startsWith('--'));
const files = patterns.length > 0 ? patterns : ['src/**/*.test.ts', 'test/**/*.test.ts'];
const run = spawnSync(process.execPath, ['--test', '--test-concurrency=2', '--test-timeout=600000', ...files], { stdio: 'inherit' });
process.exit(run.status ?? 1);
