import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Utf8Text } from './utf8-text.ts';

test('text written in pieces reads back as the same UTF-8, whatever its script, across growth', () => {
  const text = new Utf8Text(8);
  const pieces = ['[1,', '"谢思子"', ',"dpd ≥ 30 → call"', ',"😀"', ']'];
  for (const piece of pieces) text.write(piece);
  assert.equal(text.bytes().toString('utf8'), pieces.join(''));
  assert.equal(text.length, Buffer.byteLength(pieces.join('')));
});

test('lines are joined by line feeds, the last one left off; a line repeated reads the same', () => {
  const text = new Utf8Text(4);
  const first = text.writeLine('{"name":"董磊"}');
  const end = text.length;
  text.writeLine('{"a":1}');
  text.repeat(first, end);
  assert.equal(text.lines().toString('utf8'), '{"name":"董磊"}\n{"a":1}\n{"name":"董磊"}');
  assert.equal(new Utf8Text().lines().length, 0);
});

test('a large piece grows the buffer at once, and what was written before stays', () => {
  const text = new Utf8Text(16);
  text.write('head:');
  const large = '鱼'.repeat(100_000);
  text.write(large);
  assert.equal(text.bytes().toString('utf8'), `head:${large}`);
});

test('bytes written as a line read back as the text they encode', () => {
  const text = new Utf8Text(4);
  text.writeLine('a');
  text.writeLineBytes(Buffer.from('{"summary":"dpd ≥ 30"}', 'utf8'));
  assert.equal(text.lines().toString('utf8'), 'a\n{"summary":"dpd ≥ 30"}');
});
