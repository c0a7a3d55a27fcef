// Names and relations (any script, quotes, backslashes, emoji) travel apart from the facts document
// (gather-facts.ts, FREE_TEXT) and come back to the right accounts and contacts in both ways of
// loading contact facts: with the account facts, and after the screen for the accounts it lets through.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Scenario } from '../support/scenario.ts';
import { refreshDelinquency } from '../../src/delinquency/index.ts';
import { gatherScreenedFacts, type ContactFactsLoading } from '../../src/strategy/cycle/gather-facts.ts';
import type { AccountFacts } from '../../src/strategy/core/facts.ts';

const AS_OF = '2026-05-10';

const BORROWERS = [
  { id: 'zh', name: '王芳', contacts: [{ name: '李娜', relation: '母亲' }, { name: '赵"四"', relation: '配偶\\朋友' }] },
  { id: 'none', name: 'Zoë Ñúñez 😀', contacts: [] },
  { id: 'ascii', name: 'Plain "Quoted" \\ Name', contacts: [{ name: 'José', relation: 'brother' }] },
  { id: 'mixed', name: 'Ахмед 阿赫迈德', contacts: [{ name: '😀', relation: '' }] },
];

test('free text comes back to its accounts and contacts however contact facts are loaded', async () => {
  const s = await Scenario.open();
  try {
    let phone = 0;
    for (const b of BORROWERS) {
      await s.delinquent(b.id, {
        product: 'app-instalment', dpd: 5, asOf: AS_OF,
        borrower: { name: b.name, contacts: b.contacts.map((c) => ({ ...c, phone: `+86137111${String(10_000 + ++phone)}` })) },
      });
    }
    await refreshDelinquency(s.db, { asOf: AS_OF });
    const scope = { asOf: AS_OF, loBorrowerId: 0, hiBorrowerId: 2 ** 53 - 1, maxPreDueDays: 7 };
    const expected = BORROWERS.map((b) => ({ name: b.name, contacts: b.contacts.map((c) => [c.name, c.relation]) }));
    for (const loading of ['with-accounts', 'after-screen'] as ContactFactsLoading[]) {
      // Every other account let through: the second statement then loads a subset.
      let n = 0;
      const { facts, screenedOut } = await gatherScreenedFacts(s.db, scope, () => n++ % 2 === 0, loading);
      assert.equal(facts.length + screenedOut, BORROWERS.length, loading);
      assert.equal(facts.length, 2, loading);
      const byName = new Map(facts.map((f: AccountFacts) => [f.borrowerName, f.emergencyContacts.map((c) => [c.name, c.relation])]));
      for (const f of facts) {
        const want = expected.find((e) => e.name === f.borrowerName);
        assert.ok(want, `${loading}: unexpected borrower name ${JSON.stringify(f.borrowerName)}`);
        assert.deepEqual(byName.get(f.borrowerName), want.contacts, `${loading}: contacts of ${f.borrowerName}`);
      }
    }
    const all = await gatherScreenedFacts(s.db, scope, () => true, 'after-screen');
    assert.deepEqual(all.facts.map((f) => f.borrowerName).sort(), BORROWERS.map((b) => b.name).sort());
  } finally {
    await s.database.close();
  }
});
