import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { openTestDatabase } from '../../../test/support/database.ts';
import { migrate, readMigrations } from './migrate.ts';

test('migrations apply once and re-run as a no-op', async () => {
  const database = await openTestDatabase();
  try {
    const again = await migrate(database);
    assert.deepEqual(again.applied, []);
    assert.equal(again.alreadyApplied, readMigrations().length);
    const rows = await sql<{ n: number }>`SELECT count(*)::int AS n FROM schema_migrations`.execute(database.db);
    assert.equal(rows.rows[0].n, readMigrations().length);
  } finally {
    await database.close();
  }
});

test('int8 amounts come back as numbers and dates as calendar strings', async () => {
  const database = await openTestDatabase();
  try {
    const r = await sql<{ a: number; d: string }>`SELECT 9007199254740991::int8 AS a, DATE '2024-02-29' AS d`.execute(database.db);
    assert.equal(r.rows[0].a, 9007199254740991);
    assert.equal(r.rows[0].d, '2024-02-29');
    const days = await sql<{ ds: string[] }>`SELECT ARRAY[DATE '2024-02-29', DATE '2024-03-01'] AS ds`.execute(database.db);
    assert.deepEqual(days.rows[0].ds, ['2024-02-29', '2024-03-01']);
    await assert.rejects(sql`SELECT 9007199254740993::int8 AS a`.execute(database.db), /safe integer/);
  } finally {
    await database.close();
  }
});

test('a failing migration leaves nothing half-applied', async () => {
  const database = await openTestDatabase();
  const dir = mkdtempSync(`${tmpdir()}/migrations-`) + '/';
  try {
    for (const m of readMigrations()) writeFileSync(`${dir}${m.version}_${m.name}.sql`, m.sqlText);
    writeFileSync(`${dir}9998_good_table.sql`, 'CREATE TABLE t_half (x int);');
    writeFileSync(`${dir}9999_broken.sql`, 'CREATE TABLE t_broken (x int); SELECT no_such_function();');
    await assert.rejects(migrate(database, dir), /9999_broken\.sql failed/);
    const tables = await sql<{ name: string }>`SELECT table_name AS name FROM information_schema.tables WHERE table_name IN ('t_half','t_broken')`.execute(database.db);
    assert.deepEqual(tables.rows.map((r) => r.name), ['t_half']);
  } finally {
    await database.close();
  }
});

test('a migration file changed after it was applied is refused, naming the file', async () => {
  const database = await openTestDatabase();
  const dir = mkdtempSync(`${tmpdir()}/migrations-`) + '/';
  try {
    const migrations = readMigrations();
    for (const m of migrations) writeFileSync(`${dir}${m.version}_${m.name}.sql`, m.sqlText);
    const changed = migrations[3];
    writeFileSync(`${dir}${changed.version}_${changed.name}.sql`, `${changed.sqlText}\n-- edited afterwards\n`);
    await assert.rejects(migrate(database, dir), new RegExp(`migration ${changed.version}_${changed.name}\\.sql was changed after it was applied`));
  } finally {
    await database.close();
  }
});
