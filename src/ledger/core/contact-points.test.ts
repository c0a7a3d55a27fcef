import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planContactPoints, planEmergencyContacts, type StoredContactPoint, type StoredEmergencyContact } from './contact-points.ts';
import type { ContactPointInput } from './types.ts';

const phone: StoredContactPoint = { contactPointId: 1, kind: 'phone', value: '+8613800138000', status: 'active', consent: ['sms', 'call'], isPrimary: true };
const email: StoredContactPoint = { contactPointId: 2, kind: 'email', value: 'a@example.com', status: 'active', consent: ['email'], isPrimary: false };
const input = ({ contactPointId: _, ...rest }: StoredContactPoint, over: Partial<ContactPointInput> = {}): ContactPointInput => ({ ...rest, ...over });

test('the same list is no change at all', () => {
  const plan = planContactPoints([phone, email], [input(email), input(phone, { consent: ['call', 'sms'] })]);
  assert.deepEqual(plan, { inserts: [], updates: [], changes: [] });
});

test('a new number replaces the old one: the old becomes changed and that is a contact change', () => {
  const fresh: ContactPointInput = { kind: 'phone', value: '+8613700137000', status: 'active', consent: ['sms'], isPrimary: true };
  const plan = planContactPoints([phone, email], [fresh, input(email)]);
  assert.deepEqual(plan.inserts, [fresh]);
  assert.deepEqual(plan.updates.map((u) => [u.stored.contactPointId, u.next.status, u.next.isPrimary, u.statusChanged]), [[1, 'changed', false, true]]);
  assert.deepEqual(plan.changes, [{ contactPointId: 1, kind: 'phone', status: 'changed' }]);
});

test('going invalid is a contact change; a consent change is an update but not a contact change', () => {
  const plan = planContactPoints([phone, email], [input(phone, { status: 'invalid' }), input(email, { consent: [] })]);
  assert.deepEqual(plan.changes, [{ contactPointId: 1, kind: 'phone', status: 'invalid' }]);
  assert.deepEqual(plan.updates.map((u) => [u.stored.contactPointId, u.statusChanged]), [[1, true], [2, false]]);
});

test('retired points stay retired and are not reported again', () => {
  const old: StoredContactPoint = { ...phone, contactPointId: 3, value: '+8613600136000', status: 'changed', isPrimary: false };
  assert.deepEqual(planContactPoints([old, email], [input(email)]), { inserts: [], updates: [], changes: [] });
});

test('emergency contacts missing from the list become invalid, listed ones are updated by phone', () => {
  const mother: StoredEmergencyContact = { contactId: 7, name: '王芳', relation: 'parent', phone: '+8613900139000', consentAt: null, status: 'active' };
  const friend: StoredEmergencyContact = { ...mother, contactId: 8, name: 'Li', relation: 'friend', phone: '+8613900139001' };
  const plan = planEmergencyContacts([mother, friend], [{ name: '王芳', relation: 'parent', phone: '+8613900139000', consentAt: '2024-01-01T00:00:00.000Z', status: 'active' }]);
  assert.deepEqual(plan.updates.map((u) => [u.stored.contactId, u.next.status, u.next.consentAt]), [[7, 'active', '2024-01-01T00:00:00.000Z'], [8, 'invalid', null]]);
  assert.deepEqual(plan.inserts, []);
});
