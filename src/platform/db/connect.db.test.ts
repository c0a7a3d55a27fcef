// On a server, long statements run as named prepared statements (parsed once per connection, their
// plans cached by the server); short ones do not, and past the cap further long ones run as before.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql, type Kysely } from 'kysely';
import { openDatabase } from './connect.ts';
import { serverUrl } from '../../../test/support/database.ts';
import type { DB } from './types.ts';

/** A statement of the given number of the same select, long enough to be prepared. */
const longStatement = (tag: number) => sql<{ n: number; tag: number }>`
  SELECT ${sql.raw(String(tag))} AS tag, x.n FROM (SELECT ($1)::int + 1 AS n) x
  -- ${sql.raw('a comment that makes the statement long. '.repeat(30))}`;

async function preparedInSession(db: Kysely<DB>): Promise<string[]> {
  const rows = await sql<{ statement: string }>`SELECT statement FROM pg_prepared_statements ORDER BY prepare_time`.execute(db);
  return rows.rows.map((r) => r.statement);
}

test('long statements are prepared once per connection and give the same results; short ones are not; past the cap they run unprepared', { skip: !serverUrl && 'needs a PostgreSQL server' }, async () => {
  // One connection, so every statement below runs in the same session.
  const database = await openDatabase({ url: serverUrl!, poolSize: 1 });
  try {
    const { db } = database;
    // $1 written by hand: the raw statement is executed with its parameter list.
    const run = (tag: number, value: number) => db.executeQuery<{ n: number; tag: number }>({ ...longStatement(tag).compile(db), parameters: [value] });
    assert.deepEqual((await run(1, 41)).rows, [{ tag: 1, n: 42 }]);
    assert.deepEqual((await run(1, 1)).rows, [{ tag: 1, n: 2 }]);
    assert.deepEqual((await sql<{ n: number }>`SELECT ${5}::int AS n`.execute(db)).rows, [{ n: 5 }]);
    let prepared = await preparedInSession(db);
    assert.equal(prepared.length, 1, 'one long statement, run twice, is prepared once; the short ones not at all');
    assert.match(prepared[0], /SELECT 1 AS tag/);

    // 130 distinct long statements: the first 128 of the pool's are prepared, the rest still run.
    for (let tag = 2; tag <= 131; tag++) assert.deepEqual((await run(tag, tag)).rows, [{ tag, n: tag + 1 }]);
    prepared = await preparedInSession(db);
    assert.equal(prepared.length, 128);
    assert.ok(!prepared.some((s) => /SELECT 131 AS tag/.test(s)), 'a statement past the cap is not prepared');
    // Inside a transaction, and after a failed statement in it, prepared statements still run.
    await db.transaction().execute(async (trx) => {
      assert.deepEqual((await trx.executeQuery<{ n: number; tag: number }>({ ...longStatement(1).compile(trx), parameters: [9] })).rows, [{ tag: 1, n: 10 }]);
    });
    await assert.rejects(db.transaction().execute(async (trx) => {
      await trx.executeQuery({ ...longStatement(2).compile(trx), parameters: ['not a number'] });
    }), /invalid input syntax for type integer/);
    assert.deepEqual((await run(2, 2)).rows, [{ tag: 2, n: 3 }]);
  } finally {
    await database.close();
  }
});
