// Keeps the decision code pure: nothing under src/*/core/ may read the clock, draw random numbers,
// touch the process or import I/O modules; capabilities import each other only through index.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const SRC = new URL('../src/', import.meta.url).pathname;

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const FORBIDDEN_IN_CORE: Array<[RegExp, string]> = [
  [/\bDate\.now\s*\(/, 'Date.now()'],
  [/new Date\(\s*\)/, 'argument-less new Date()'],
  [/\bMath\.random\s*\(/, 'Math.random()'],
  [/\bprocess\./, 'process'],
  [/from ['"](node:)?(fs|fs\/promises|net|http|https|child_process|pg|kysely|@electric-sql\/pglite)['"]/, 'an I/O import'],
  [/from ['"]\.\.\/\.\.\/(?!\w+\/core\/)[^'"]+['"]/, 'an import of non-core code'],
];

test('core folders hold only pure code', () => {
  const offences: string[] = [];
  for (const file of filesUnder(SRC).filter((f) => /\/src\/\w+\/core\//.test(f) && !f.endsWith('.test.ts'))) {
    const text = readFileSync(file, 'utf8');
    for (const [pattern, what] of FORBIDDEN_IN_CORE) {
      if (pattern.test(text)) offences.push(`${relative(SRC, file)} uses ${what}`);
    }
  }
  assert.deepEqual(offences, []);
});

test('the purity check catches what it forbids', () => {
  const samples = ['const t = Date.now();', 'new Date()', 'Math.random()', 'process.env.X', "import { readFileSync } from 'node:fs';"];
  for (const sample of samples) assert.ok(FORBIDDEN_IN_CORE.some(([p]) => p.test(sample)), sample);
});

test('capabilities import one another only through index.ts', () => {
  const offences: string[] = [];
  for (const file of filesUnder(SRC).filter((f) => !f.endsWith('.test.ts'))) {
    const capability = relative(SRC, file).split('/')[0];
    if (capability === 'cli' || capability === 'http') continue;
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/from ['"](\.\.?\/[^'"]+)['"]/g)) {
      const target = relative(SRC, join(file, '..', m[1]));
      const [other, ...rest] = target.split('/');
      if (other === capability || other === 'platform' || other.startsWith('..')) continue;
      if (rest.join('/') !== 'index.ts' && !/^core\//.test(rest.join('/'))) offences.push(`${relative(SRC, file)} imports ${target}`);
    }
  }
  assert.deepEqual(offences, []);
});
