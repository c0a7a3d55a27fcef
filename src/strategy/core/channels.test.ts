import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pickChannel } from './channels.ts';
import type { ChannelPreference } from './schema.ts';
import { makeFacts, type FactsOverrides } from './test-facts.ts';

const prefer = (channels: ChannelPreference['prefer'], extra: Partial<ChannelPreference> = {}): ChannelPreference => ({ prefer: channels, honourPreferred: false, ...extra });
const pick = (preference: ChannelPreference, facts: FactsOverrides = {}) => pickChannel(preference, makeFacts(facts));

test('the first reachable channel of the preference is used', () => {
  assert.deepEqual(pick(prefer(['sms', 'call'])), { channel: 'sms', choice: 'sms' });
  assert.deepEqual(pick(prefer(['letter', 'sms'])), { channel: 'sms', choice: 'letter unreachable → sms' });
  assert.deepEqual(pick(prefer(['letter'])), { channel: null, choice: 'no reachable channel: letter unreachable' });
});

test('a channel contacted N days ago without a response since is exhausted: move on to the next', () => {
  const pref = prefer(['sms', 'call', 'email'], { moveOnAfterNoResponseDays: 3 });
  assert.equal(pick(pref, { channels: { sms: { firstContactOn: '2024-03-08' } } }).channel, 'sms', 'two days is not yet three');
  assert.deepEqual(pick(pref, { channels: { sms: { firstContactOn: '2024-03-07' } } }), { channel: 'call', choice: 'sms: no response for 3 days → call' });
  assert.equal(pick(pref, { channels: { sms: { firstContactOn: '2024-03-07', lastResponseOn: '2024-03-08' } } }).channel, 'sms', 'a response since keeps the channel');
  assert.equal(pick(pref, { channels: { sms: { firstContactOn: '2024-03-07', lastResponseOn: '2024-02-01' } } }).channel, 'call', 'a response before the contact does not count');
  assert.deepEqual(pick(pref, { channels: { sms: { firstContactOn: '2024-03-01' }, call: { reachable: false } } }), {
    channel: 'email',
    choice: 'sms: no response for 9 days; call unreachable → email',
  });
  assert.equal(pick(prefer(['sms', 'call']), { channels: { sms: { firstContactOn: '2024-01-01' } } }).channel, 'sms', 'without moveOnAfterNoResponseDays nothing is exhausted');
});

test('when every reachable channel is exhausted the last one tried stays in use', () => {
  const pref = prefer(['sms', 'call'], { moveOnAfterNoResponseDays: 3 });
  assert.deepEqual(pick(pref, { channels: { sms: { firstContactOn: '2024-03-01' }, call: { firstContactOn: '2024-03-05' } } }), {
    channel: 'call',
    choice: 'sms: no response for 9 days; call: no response for 5 days → staying on call',
  });
});

test('honourPreferred puts the borrower’s chosen channel first when listed and reachable', () => {
  const pref = prefer(['sms', 'call', 'email'], { honourPreferred: true });
  assert.deepEqual(pick(pref, { preferredChannel: 'email' }), { channel: 'email', choice: "email (borrower's preferred)" });
  assert.equal(pick(pref, { preferredChannel: 'push' }).channel, 'sms', 'a channel the step does not list is not forced');
  assert.equal(pick(pref, { preferredChannel: 'email', channels: { email: { reachable: false } } }).channel, 'sms');
  assert.equal(pick({ ...pref, honourPreferred: false }, { preferredChannel: 'email' }).channel, 'sms');
  const exhausted = pick({ ...pref, moveOnAfterNoResponseDays: 2 }, { preferredChannel: 'email', channels: { email: { firstContactOn: '2024-03-01' } } });
  assert.deepEqual(exhausted, { channel: 'sms', choice: 'email: no response for 9 days → sms' });
});
