// Borrowers with their contact points and emergency contacts, upserted by external id. The record is the
// lender's current picture: listed contact points are added or updated, unlisted ones retired (see
// core/contact-points.ts), and a contact point that changed or went invalid raises a contact_changed
// account event on each of the borrower's active loans.
import { sql, type Kysely } from 'kysely';
import type { DB } from '../platform/db/types.ts';
import { localDateOf } from '../platform/core/calendar.ts';
import type { Channel } from '../strategy/core/facts.ts';
import type { BorrowerInput, ContactPointKind, ContactPointStatus, EmergencyContactStatus, RowOutcome } from './core/types.ts';
import { planContactPoints, planEmergencyContacts, type ContactPointChange, type StoredContactPoint, type StoredEmergencyContact } from './core/contact-points.ts';
import { applyInWaves, inChunks, inTransaction, isAnyOf } from './bulk.ts';
// A text[] per row travels inside unnest() as an array literal.
import { textArrayLiteral } from '../platform/db/array-literal.ts';

export interface BorrowerUpsertOptions {
  /** The instant of the change (status_changed_at, and the event day in the borrower's time zone). */
  now?: Date;
}

export async function upsertBorrowers(db: Kysely<DB>, rows: readonly BorrowerInput[], options: BorrowerUpsertOptions = {}): Promise<RowOutcome[]> {
  const now = options.now ?? new Date();
  return inTransaction(db, (trx) => applyInWaves(rows, (r) => r.externalId, (wave) => upsertWave(trx, wave, now)));
}

function sameBorrower(stored: { name: string; locale: string; time_zone: string; flags: string[]; risk_band: string | null; preferred_channel: string | null }, b: BorrowerInput): boolean {
  return stored.name === b.name && stored.locale === b.locale && stored.time_zone === b.timeZone && stored.risk_band === b.riskBand
    && stored.preferred_channel === b.preferredChannel && [...stored.flags].sort().join(',') === b.flags.join(',');
}

async function upsertWave(trx: Kysely<DB>, rows: BorrowerInput[], now: Date): Promise<RowOutcome[]> {
  const stored = await trx
    .selectFrom('borrowers')
    .select(['borrower_id', 'external_id', 'name', 'locale', 'time_zone', 'flags', 'risk_band', 'preferred_channel'])
    .where(isAnyOf('external_id', rows.map((r) => r.externalId), 'text'))
    .orderBy('borrower_id')
    .forUpdate()
    .execute();
  const storedBorrowers = new Map(stored.map((b) => [b.external_id, b]));
  const storedIds = stored.map((b) => b.borrower_id);
  const contactPoints = Map.groupBy(
    (await trx.selectFrom('contact_points').select(['borrower_id', 'contact_point_id', 'kind', 'value', 'status', 'consent', 'is_primary'])
      .where(isAnyOf('borrower_id', storedIds, 'bigint')).orderBy('contact_point_id').execute())
      .map((c) => ({ borrowerId: c.borrower_id, contactPointId: c.contact_point_id, kind: c.kind as ContactPointKind, value: c.value,
        status: c.status as ContactPointStatus, consent: c.consent as Channel[], isPrimary: c.is_primary })),
    (c) => c.borrowerId,
  );
  const emergencyContacts = Map.groupBy(
    (await trx.selectFrom('emergency_contacts').select(['borrower_id', 'contact_id', 'name', 'relation', 'phone', 'consent_at', 'status'])
      .where(isAnyOf('borrower_id', storedIds, 'bigint')).orderBy('contact_id').execute())
      .map((e) => ({ borrowerId: e.borrower_id, contactId: e.contact_id, name: e.name, relation: e.relation, phone: e.phone,
        consentAt: e.consent_at === null ? null : new Date(e.consent_at).toISOString(), status: e.status as EmergencyContactStatus })),
    (e) => e.borrowerId,
  );

  const planned = rows.map((borrower) => {
    const current = storedBorrowers.get(borrower.externalId);
    const contacts = planContactPoints((current && contactPoints.get(current.borrower_id)) ?? ([] as StoredContactPoint[]), borrower.contactPoints);
    const emergency = planEmergencyContacts((current && emergencyContacts.get(current.borrower_id)) ?? ([] as StoredEmergencyContact[]), borrower.emergencyContacts);
    const unchanged = current !== undefined && sameBorrower(current, borrower)
      && contacts.inserts.length + contacts.updates.length + emergency.inserts.length + emergency.updates.length === 0;
    return { borrower, current, contacts, emergency, unchanged, borrowerId: current?.borrower_id ?? 0 };
  });

  for (const chunk of inChunks(planned.filter((p) => !p.current))) {
    const inserted = await trx
      .insertInto('borrowers')
      .values(chunk.map(({ borrower: b }) => ({
        external_id: b.externalId, name: b.name, locale: b.locale, time_zone: b.timeZone, flags: b.flags, risk_band: b.riskBand, preferred_channel: b.preferredChannel,
      })))
      .returning(['borrower_id', 'external_id'])
      .execute();
    const ids = new Map(inserted.map((b) => [b.external_id, b.borrower_id]));
    for (const p of chunk) p.borrowerId = ids.get(p.borrower.externalId)!;
  }
  const changed = planned.filter((p) => p.current && !p.unchanged && !sameBorrower(p.current, p.borrower));
  if (changed.length > 0) {
    const column = <T>(pick: (b: BorrowerInput) => T) => changed.map((p) => pick(p.borrower));
    await sql`UPDATE borrowers AS b SET name = v.name, locale = v.locale, time_zone = v.time_zone, flags = v.flags::text[], risk_band = v.risk_band,
        preferred_channel = v.preferred_channel, updated_at = now()
      FROM unnest(${changed.map((p) => p.borrowerId)}::bigint[], ${column((b) => b.name)}::text[], ${column((b) => b.locale)}::text[],
        ${column((b) => b.timeZone)}::text[], ${column((b) => textArrayLiteral(b.flags))}::text[], ${column((b) => b.riskBand)}::text[],
        ${column((b) => b.preferredChannel)}::text[]) AS v(borrower_id, name, locale, time_zone, flags, risk_band, preferred_channel)
      WHERE b.borrower_id = v.borrower_id`.execute(trx);
  }

  const newContactPoints = planned.flatMap((p) => p.contacts.inserts.map((c) => ({
    borrower_id: p.borrowerId, kind: c.kind, value: c.value, status: c.status, consent: c.consent, is_primary: c.isPrimary,
    status_changed_at: c.status === 'active' ? null : now,
  })));
  for (const chunk of inChunks(newContactPoints)) await trx.insertInto('contact_points').values(chunk).execute();
  const contactUpdates = planned.flatMap((p) => p.contacts.updates.map((u) => ({ borrowerId: p.borrowerId, ...u })));
  if (contactUpdates.length > 0) {
    await sql`UPDATE contact_points AS c SET status = v.status, consent = v.consent::text[], is_primary = v.is_primary,
        status_changed_at = CASE WHEN v.status_changed THEN ${now}::timestamptz ELSE c.status_changed_at END
      FROM unnest(${contactUpdates.map((u) => u.borrowerId)}::bigint[], ${contactUpdates.map((u) => u.stored.contactPointId)}::bigint[],
        ${contactUpdates.map((u) => u.next.status)}::text[], ${contactUpdates.map((u) => textArrayLiteral(u.next.consent))}::text[],
        ${contactUpdates.map((u) => u.next.isPrimary)}::boolean[], ${contactUpdates.map((u) => u.statusChanged)}::boolean[])
        AS v(borrower_id, contact_point_id, status, consent, is_primary, status_changed)
      WHERE c.borrower_id = v.borrower_id AND c.contact_point_id = v.contact_point_id`.execute(trx);
  }

  const newEmergencyContacts = planned.flatMap((p) => p.emergency.inserts.map((e) => ({
    borrower_id: p.borrowerId, name: e.name, relation: e.relation, phone: e.phone, consent_at: e.consentAt, status: e.status,
  })));
  for (const chunk of inChunks(newEmergencyContacts)) await trx.insertInto('emergency_contacts').values(chunk).execute();
  const emergencyUpdates = planned.flatMap((p) => p.emergency.updates.map((u) => ({ borrowerId: p.borrowerId, ...u })));
  if (emergencyUpdates.length > 0) {
    await sql`UPDATE emergency_contacts AS e SET name = v.name, relation = v.relation, consent_at = v.consent_at, status = v.status
      FROM unnest(${emergencyUpdates.map((u) => u.borrowerId)}::bigint[], ${emergencyUpdates.map((u) => u.stored.contactId)}::bigint[],
        ${emergencyUpdates.map((u) => u.next.name)}::text[], ${emergencyUpdates.map((u) => u.next.relation)}::text[],
        ${emergencyUpdates.map((u) => u.next.consentAt)}::timestamptz[], ${emergencyUpdates.map((u) => u.next.status)}::text[])
        AS v(borrower_id, contact_id, name, relation, consent_at, status)
      WHERE e.borrower_id = v.borrower_id AND e.contact_id = v.contact_id`.execute(trx);
  }

  await recordContactChanges(trx, planned.filter((p) => p.contacts.changes.length > 0).map((p) => ({
    borrowerId: p.borrowerId, timeZone: p.borrower.timeZone, changes: p.contacts.changes,
  })), now);
  return planned.map((p): RowOutcome => ({ outcome: p.unchanged ? 'unchanged' : 'accepted', id: p.borrowerId }));
}

/** One contact_changed event per active loan of each borrower whose contact points changed. */
async function recordContactChanges(trx: Kysely<DB>, changed: Array<{ borrowerId: number; timeZone: string; changes: ContactPointChange[] }>, now: Date): Promise<void> {
  if (changed.length === 0) return;
  const loans = await trx.selectFrom('loans').select(['borrower_id', 'loan_id'])
    .where(isAnyOf('borrower_id', changed.map((c) => c.borrowerId), 'bigint')).where('status', '=', 'active').execute();
  const byBorrower = new Map(changed.map((c) => [c.borrowerId, c]));
  const events = loans.map((loan) => {
    const c = byBorrower.get(loan.borrower_id)!;
    return { borrower_id: loan.borrower_id, loan_id: loan.loan_id, kind: 'contact_changed', occurred_on: localDateOf(now, c.timeZone), detail: JSON.stringify({ changes: c.changes }) };
  });
  for (const chunk of inChunks(events)) await trx.insertInto('account_events').values(chunk).execute();
}
