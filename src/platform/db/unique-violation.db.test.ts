import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { openTestDatabase } from '../../../test/support/database.ts';
import { unlessUniqueViolation } from './unique-violation.ts';

test('a unique violation is undone alone: the transaction goes on and keeps its earlier writes', async () => {
  const database = await openTestDatabase();
  try {
    await sql`CREATE TABLE t_unique (id int PRIMARY KEY, note text)`.execute(database.db);
    await sql`INSERT INTO t_unique VALUES (1, 'before')`.execute(database.db);
    const notes = await database.db.transaction().execute(async (trx) => {
      await sql`INSERT INTO t_unique VALUES (2, 'kept')`.execute(trx);
      const clash = await unlessUniqueViolation(trx, () => sql`INSERT INTO t_unique VALUES (3, 'undone'), (1, 'clash')`.execute(trx));
      assert.equal(clash, null);
      const fine = await unlessUniqueViolation(trx, () => sql`INSERT INTO t_unique VALUES (4, 'fine')`.execute(trx));
      assert.equal(Number(fine?.numAffectedRows), 1);
      return (await sql<{ id: number; note: string }>`SELECT id, note FROM t_unique ORDER BY id`.execute(trx)).rows;
    });
    assert.deepEqual(notes, [{ id: 1, note: 'before' }, { id: 2, note: 'kept' }, { id: 4, note: 'fine' }]);
    // Outside a transaction the failed statement undoes itself.
    assert.equal(await unlessUniqueViolation(database.db, () => sql`INSERT INTO t_unique VALUES (5, 'x'), (5, 'y')`.execute(database.db)), null);
    // Any other error is the caller's.
    await assert.rejects(unlessUniqueViolation(database.db, () => sql`INSERT INTO t_unique VALUES (NULL, 'no id')`.execute(database.db)), /null value/);
    const count = await sql<{ n: number }>`SELECT count(*)::int AS n FROM t_unique`.execute(database.db);
    assert.equal(count.rows[0].n, 3);
  } finally {
    await database.close();
  }
});
