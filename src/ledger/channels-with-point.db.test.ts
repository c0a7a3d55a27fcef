// borrowers.channels_with_point is kept by the database (migrations/0032_channels_with_point.sql) on
// every write of contact points: an import, a status or consent change, SQL inserts, deletes and
// truncation. It must say what the contact points say, with the channel-to-kind mapping and the bits
// the code uses (CONTACT_KIND_OF_CHANNEL, CHANNEL_BIT).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { openTestDatabase, type TestDatabase } from '../../test/support/database.ts';
import { CHANNEL_BIT, CHANNELS, type Channel } from '../strategy/core/facts.ts';
import { CONTACT_KIND_OF_CHANNEL } from './core/contact-points.ts';
import type { BorrowerInput, ContactPointInput } from './core/types.ts';
import { upsertBorrowers } from './upsert-borrowers.ts';

let database: TestDatabase;
before(async () => {
  database = await openTestDatabase();
});
after(async () => {
  await database.close();
});

const borrower = (externalId: string, contactPoints: ContactPointInput[]): BorrowerInput => ({
  externalId, name: 'N', locale: 'en', timeZone: 'UTC', flags: [], riskBand: null, preferredChannel: null, contactPoints, emergencyContacts: [],
});
const point = (kind: ContactPointInput['kind'], value: string, consent: Channel[], status: ContactPointInput['status'] = 'active'): ContactPointInput =>
  ({ kind, value, status, consent, isPrimary: false });

/** Each borrower's stored channels, and what its contact points say, computed here from the rows. */
async function storedAndExpected(): Promise<Array<{ borrower: string; stored: number; expected: number }>> {
  const rows = await sql<{ external_id: string; channels_with_point: number; points: Array<{ kind: string; status: string; consent: string[] }> | null }>`
    SELECT b.external_id, b.channels_with_point,
           (SELECT json_agg(json_build_object('kind', c.kind, 'status', c.status, 'consent', c.consent)) FROM contact_points c WHERE c.borrower_id = b.borrower_id) AS points
    FROM borrowers b ORDER BY b.external_id`.execute(database.db);
  return rows.rows.map((r) => {
    let expected = 0;
    for (const c of CHANNELS) {
      if ((r.points ?? []).some((p) => p.status === 'active' && p.kind === CONTACT_KIND_OF_CHANNEL[c] && p.consent.includes(c))) expected |= CHANNEL_BIT[c];
    }
    return { borrower: r.external_id, stored: r.channels_with_point, expected };
  });
}

async function assertKept(what: string): Promise<void> {
  for (const r of await storedAndExpected()) assert.equal(r.stored, r.expected, `${what}: borrower ${r.borrower}`);
}

test('the channels with a contact point follow every write of contact points, for every channel', async () => {
  // Every channel alone, on the kind of point it goes through; consent on a point of the wrong kind counts for nothing.
  await upsertBorrowers(database.db, [
    ...CHANNELS.map((c) => borrower(`B-${c}`, [point(CONTACT_KIND_OF_CHANNEL[c], `${c}-point`, [c])])),
    borrower('B-wrong-kind', [point('email', 'x@example.com', ['sms', 'call', 'push'])]),
    borrower('B-none', []),
    borrower('B-many', [point('phone', '+8613800000001', ['sms']), point('phone', '+8613800000002', ['call']), point('device', 'dev-1', ['push', 'inapp'])]),
  ]);
  await assertKept('after the import');
  const masks = new Map((await storedAndExpected()).map((r) => [r.borrower, r.stored]));
  for (const c of CHANNELS) assert.equal(masks.get(`B-${c}`), CHANNEL_BIT[c], c);
  assert.equal(masks.get('B-wrong-kind'), 0);
  assert.equal(masks.get('B-many'), CHANNEL_BIT.sms | CHANNEL_BIT.call | CHANNEL_BIT.push | CHANNEL_BIT.inapp);

  // A point dropped from the lender's list becomes 'changed'; consent withdrawn; a point marked invalid.
  await upsertBorrowers(database.db, [
    borrower('B-many', [point('phone', '+8613800000001', ['sms']), point('device', 'dev-1', ['push'])]),
    borrower('B-sms', [point('phone', 'sms-point', ['sms'], 'invalid')]),
  ]);
  await assertKept('after consent and status changes');
  assert.equal((await storedAndExpected()).find((r) => r.borrower === 'B-many')!.stored, CHANNEL_BIT.sms | CHANNEL_BIT.push);

  // Any other writer: SQL inserts, updates and deletes, and truncation.
  const id = async (externalId: string) => (await sql<{ borrower_id: number }>`SELECT borrower_id FROM borrowers WHERE external_id = ${externalId}`.execute(database.db)).rows[0].borrower_id;
  await sql`INSERT INTO contact_points (borrower_id, kind, value, consent) VALUES (${await id('B-none')}, 'address', 'Road 1', '{letter}')`.execute(database.db);
  await sql`UPDATE contact_points SET consent = '{sms,call}' WHERE borrower_id = ${await id('B-call')}`.execute(database.db);
  await sql`DELETE FROM contact_points WHERE borrower_id = ${await id('B-email')}`.execute(database.db);
  await assertKept('after SQL writes');
  assert.equal((await storedAndExpected()).find((r) => r.borrower === 'B-none')!.stored, CHANNEL_BIT.letter);
  await sql`TRUNCATE contact_points`.execute(database.db);
  await assertKept('after truncation');
  assert.ok((await storedAndExpected()).every((r) => r.stored === 0));
});
