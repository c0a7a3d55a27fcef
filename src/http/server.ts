// HTTP server assembly. For now: health and a read-only portfolio view; the full API with roles
// and OpenAPI docs builds on this.
import Fastify, { type FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { Database } from '../platform/db/connect.ts';
import { summarizePortfolio } from '../delinquency/index.ts';

export interface ServerDeps {
  database: Database;
  logLevel?: string;
}

export function buildServer(deps: ServerDeps): FastifyInstance {
  const app = Fastify({ logger: { level: deps.logLevel ?? 'info' } });
  const { db } = deps.database;

  app.get('/health', async () => {
    await sql`SELECT 1`.execute(db);
    return { status: 'ok', database: deps.database.kind };
  });

  // The portfolio as of the last refresh (the last cycle, or the last day a state was computed by a
  // status run or a payment), active loans only.
  app.get('/api/portfolio', async () => {
    const last = await sql<{ as_of: string | null }>`
      SELECT GREATEST((SELECT max(as_of) FROM account_states), (SELECT max(as_of) FROM cycle_runs))::text AS as_of`.execute(db);
    const asOf = last.rows[0].as_of;
    return { asOf, buckets: asOf ? await summarizePortfolio(db, asOf) : [] };
  });

  app.get('/api/cycles', async () => {
    const rows = await sql`
      SELECT r.as_of::text, r.started_at, r.finished_at, r.chunk_count,
             (SELECT count(*)::int FROM cycle_chunks c WHERE c.as_of = r.as_of AND c.status = 'done') AS chunks_done,
             (SELECT coalesce(sum(c.planned), 0)::int FROM cycle_chunks c WHERE c.as_of = r.as_of) AS actions
      FROM cycle_runs r ORDER BY r.as_of DESC LIMIT 30`.execute(db);
    return { cycles: rows.rows };
  });

  return app;
}
