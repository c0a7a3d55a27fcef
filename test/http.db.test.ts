// The (for now minimal) HTTP server: health, portfolio by bucket, cycles.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildServer } from '../src/http/server.ts';
import { sql } from 'kysely';
import { Scenario } from './support/scenario.ts';

test('the server reports health, the portfolio by bucket and the cycles run', async () => {
  const s = await Scenario.open();
  const app = buildServer({ database: s.database, logLevel: 'silent' });
  try {
    await s.delinquent('h1', { product: 'app-instalment', dpd: 40, asOf: '2026-05-01' });
    await s.delinquent('h2', { product: 'app-instalment', dpd: 3, asOf: '2026-05-01' });
    await s.cycle('2026-05-01');
    const health = await app.inject({ url: '/health' });
    assert.equal(health.statusCode, 200);
    assert.equal(health.json().status, 'ok');
    const portfolio = (await app.inject({ url: '/api/portfolio' })).json() as { asOf: string; buckets: Array<{ bucket: string; accounts: number; currency: string }> };
    assert.equal(portfolio.asOf, '2026-05-01');
    assert.deepEqual(portfolio.buckets.map((b) => `${b.currency}:${b.bucket}:${b.accounts}`), ['CNY:M1:1', 'CNY:M2:1']);
    const cycles = (await app.inject({ url: '/api/cycles' })).json() as { cycles: Array<{ as_of: string; actions: number; chunks_done: number }> };
    assert.equal(cycles.cycles[0].as_of, '2026-05-01');
    assert.ok(cycles.cycles[0].actions > 0);
    // Three weeks on, with nothing paid, both states are carried by time rather than written again:
    // the portfolio shows them as they stand on the last cycle's day (40 + 21 = 61 DPD is M3).
    await s.cycle('2026-05-22');
    const stored = await sql<{ as_of: string }>`SELECT as_of::text FROM account_states`.execute(s.db);
    assert.deepEqual(stored.rows.map((r) => r.as_of), ['2026-05-01', '2026-05-01'], 'not written again');
    const later = (await app.inject({ url: '/api/portfolio' })).json() as { asOf: string; buckets: Array<{ bucket: string; accounts: number; currency: string }> };
    assert.equal(later.asOf, '2026-05-22');
    assert.deepEqual(later.buckets.map((b) => `${b.currency}:${b.bucket}:${b.accounts}`), ['CNY:M1:1', 'CNY:M3:1']);
    const missing = await app.inject({ url: '/api/nothing-here' });
    assert.equal(missing.statusCode, 404);
  } finally {
    await app.close();
    await s.close();
  }
});
