// borrowers.channels_with_point and borrowers.contact_point_by_channel are kept by the database
// (migrations/0032_channels_with_point.sql, 0034_contact_point_by_channel.sql) on every write of
// contact points: an import, a status or consent change, SQL inserts, deletes and truncation. They must
// say what the contact points say, with the channel-to-kind mapping, the bits and the channel order the
// code uses (CONTACT_KIND_OF_CHANNEL, CHANNEL_BIT, CHANNELS): per channel the first active point of its
// kind with consent for it, a primary point first, then the oldest.
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
const point = (kind: ContactPointInput['kind'], value: string, consent: Channel[], status: ContactPointInput['status'] = 'active', isPrimary = false): ContactPointInput =>
  ({ kind, value, status, consent, isPrimary });

interface StoredAndExpected {
  borrower: string;
  stored: number;
  expected: number;
  storedPoints: Array<number | null>;
  expectedPoints: Array<number | null>;
}

type PointRow = { id: number; kind: string; status: string; consent: string[]; primary: boolean };

/** Each borrower's stored channels and points, and what its contact points say, computed here from the rows. */
async function storedAndExpected(): Promise<StoredAndExpected[]> {
  const rows = await sql<{ external_id: string; channels_with_point: number; contact_point_by_channel: Array<string | number | null> | null; points: PointRow[] | null }>`
    SELECT b.external_id, b.channels_with_point, b.contact_point_by_channel,
           (SELECT json_agg(json_build_object('id', c.contact_point_id, 'kind', c.kind, 'status', c.status, 'consent', c.consent, 'primary', c.is_primary))
            FROM contact_points c WHERE c.borrower_id = b.borrower_id) AS points
    FROM borrowers b ORDER BY b.external_id`.execute(database.db);
  return rows.rows.map((r) => {
    let expected = 0;
    const expectedPoints: Array<number | null> = [];
    // Primary first, then the oldest (lowest id).
    const points = [...(r.points ?? [])].sort((a, b) => Number(b.primary) - Number(a.primary) || a.id - b.id);
    for (const c of CHANNELS) {
      const first = points.find((p) => p.status === 'active' && p.kind === CONTACT_KIND_OF_CHANNEL[c] && p.consent.includes(c));
      if (first) expected |= CHANNEL_BIT[c];
      expectedPoints.push(first?.id ?? null);
    }
    const storedPoints = CHANNELS.map((_, n) => (r.contact_point_by_channel?.[n] == null ? null : Number(r.contact_point_by_channel[n])));
    return { borrower: r.external_id, stored: r.channels_with_point, expected, storedPoints, expectedPoints };
  });
}

async function assertKept(what: string): Promise<void> {
  for (const r of await storedAndExpected()) {
    assert.equal(r.stored, r.expected, `${what}: borrower ${r.borrower}`);
    assert.deepEqual(r.storedPoints, r.expectedPoints, `${what}: points of borrower ${r.borrower}`);
  }
}

test('the channels with a contact point follow every write of contact points, for every channel', async () => {
  // Every channel alone, on the kind of point it goes through; consent on a point of the wrong kind counts for nothing.
  await upsertBorrowers(database.db, [
    ...CHANNELS.map((c) => borrower(`B-${c}`, [point(CONTACT_KIND_OF_CHANNEL[c], `${c}-point`, [c])])),
    borrower('B-wrong-kind', [point('email', 'x@example.com', ['sms', 'call', 'push'])]),
    borrower('B-none', []),
    borrower('B-many', [point('phone', '+8613800000001', ['sms']), point('phone', '+8613800000002', ['call']), point('device', 'dev-1', ['push', 'inapp'])]),
    // Two phones for the same channels: the primary one is used, whatever its age; of two non-primary ones, the older.
    borrower('B-two-phones', [point('phone', '+8613800000011', ['sms', 'call']), point('phone', '+8613800000012', ['sms', 'call'], 'active', true),
      point('email', 'a@example.com', ['email']), point('email', 'b@example.com', ['email'])]),
  ]);
  await assertKept('after the import');
  const twoPhones = (await storedAndExpected()).find((r) => r.borrower === 'B-two-phones')!;
  const pointIds = await sql<{ value: string; id: number }>`
    SELECT c.value, c.contact_point_id AS id FROM contact_points c JOIN borrowers b USING (borrower_id) WHERE b.external_id = 'B-two-phones'`.execute(database.db);
  const idOf = (value: string) => Number(pointIds.rows.find((r) => r.value === value)!.id);
  assert.deepEqual(twoPhones.storedPoints, [idOf('+8613800000012'), idOf('+8613800000012'), Math.min(idOf('a@example.com'), idOf('b@example.com')), null, null, null]);
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
  assert.ok((await storedAndExpected()).every((r) => r.stored === 0 && r.storedPoints.every((p) => p === null)));
});
