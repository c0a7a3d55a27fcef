// A chunk is planned a slice of accounts at a time (CycleOptions.planSlice): a borrower's accounts
// always in the same slice, so the compliance judge sees all of a borrower's contacts of the day
// together, and the actions are those of planning the whole chunk at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addDays } from '../../src/platform/core/calendar.ts';
import { runCycle } from '../../src/strategy/index.ts';
import { passThroughJudge, type ContactJudge } from '../../src/compliance/index.ts';
import { Scenario } from '../support/scenario.ts';
import { actionKeysOn, plannedInFull } from '../support/cycle.ts';

const AS_OF = '2026-03-01';

test('a chunk planned a few accounts at a time plans what the whole chunk plans, a borrower\'s accounts judged together', async () => {
  const s = await Scenario.open();
  try {
    // Borrowers of one loan around one of three loans, and one of two: slices of two accounts must
    // stretch to take a borrower's loans together.
    const borrowers: Array<{ id: string; loans: number }> = [
      { id: 'one-a', loans: 1 }, { id: 'three', loans: 3 }, { id: 'one-b', loans: 1 }, { id: 'two', loans: 2 }, { id: 'one-c', loans: 1 },
    ];
    for (const { id, loans } of borrowers) {
      await s.borrower({ id: `B-${id}` });
      for (let n = 0; n < loans; n++) {
        await s.loan({ id: `L-${id}-${n}`, borrower: `B-${id}`, product: 'app-instalment', firstDue: addDays(AS_OF, -(8 + n)) });
      }
    }
    const expected = (await plannedInFull(s.db, AS_OF)).keys;
    assert.ok(expected.length >= 8, `${expected.length} actions expected`);

    const batches: Array<Set<number>> = [];
    const recording: ContactJudge = (contacts) => {
      batches.push(new Set(contacts.map((c) => c.borrowerId)));
      return passThroughJudge(contacts);
    };
    const report = await runCycle({ database: s.database, judge: recording }, { asOf: AS_OF, planSlice: 2 });
    assert.ok(report.finished);
    assert.deepEqual(await actionKeysOn(s.db, AS_OF), expected);
    assert.ok(batches.length >= 3, `${batches.length} slices judged`);
    const judgedIn = new Map<number, number>();
    batches.forEach((borrowersOfBatch, i) => {
      for (const b of borrowersOfBatch) {
        assert.ok(!judgedIn.has(b), `borrower ${b} judged in slices ${judgedIn.get(b)} and ${i}`);
        judgedIn.set(b, i);
      }
    });
    assert.equal(judgedIn.size, borrowers.length, 'every borrower judged');
  } finally {
    await s.close();
  }
});
