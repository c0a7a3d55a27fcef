import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deriveAttitude, isLost } from './attitude.ts';
import { makeFacts, type FactsOverrides } from './test-facts.ts';

const promises = (kept: number, broken: number) => ({ promises: { kept, broken, open: null } });

test('attitude is derived from promises, refusals, silence and self-initiated contact, in that order', () => {
  const cases: Array<[FactsOverrides, string]> = [
    [{}, 'neutral'],
    [{ refusals: 1 }, 'poor'],
    [{ refusals: 1, ...promises(3, 0) }, 'poor'],
    [promises(0, 2), 'poor'],
    [promises(1, 2), 'poor'],
    [promises(2, 2), 'neutral'],
    [promises(0, 1), 'neutral'],
    [{ unansweredContacts: 3 }, 'silent'],
    [{ unansweredContacts: 2 }, 'neutral'],
    [{ unansweredContacts: 5, ...promises(0, 2) }, 'poor'],
    [{ unansweredContacts: 3, ...promises(2, 0) }, 'silent'],
    [promises(2, 1), 'cooperative'],
    [{ selfInitiatedContacts: 1 }, 'cooperative'],
    [{ selfInitiatedContacts: 1, ...promises(0, 1) }, 'neutral'],
  ];
  for (const [facts, expected] of cases) assert.equal(deriveAttitude(makeFacts(facts)), expected, JSON.stringify(facts));
});

test('lost: no reachable channel, or every phone channel unreachable or failing 3 times in a row', () => {
  const off = { reachable: false };
  const cases: Array<[FactsOverrides['channels'], boolean]> = [
    [{}, false],
    [{ sms: off, call: off, email: off, push: off, inapp: off }, true],
    [{ sms: off, call: off }, true],
    [{ sms: { failedAttemptsInRow: 3 }, call: { failedAttemptsInRow: 3 } }, true],
    [{ sms: { failedAttemptsInRow: 3 }, call: { failedAttemptsInRow: 2 } }, false],
    [{ sms: off, call: { failedAttemptsInRow: 4 } }, true],
    [{ sms: off }, false],
    [{ email: { failedAttemptsInRow: 9 }, sms: { failedAttemptsInRow: 1 } }, false],
  ];
  for (const [channels, expected] of cases) assert.equal(isLost(makeFacts({ channels })), expected, JSON.stringify(channels));
});
