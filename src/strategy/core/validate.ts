// Validation of strategy documents into errors a person can act on: every problem of a file at once,
// each naming the file, the path inside it and what was expected; then the checks across files
// (one set, unique ids, every route arm names a strategy that exists, every strategy is routed).
import type { z } from 'zod';
import { StrategyFileSchema, formatPath, type SetDocument, type StrategyDocument, type StrategyFileDocument } from './schema.ts';
import type { Result, StrategyError } from './types.ts';

export interface ValidatedDocument<D = StrategyFileDocument> {
  file: string;
  document: D;
}

/** The documents of one strategy directory that belong together: a set and the strategies it routes to. */
export interface StrategyBundle {
  set: ValidatedDocument<SetDocument>;
  strategies: Array<ValidatedDocument<StrategyDocument>>;
}

function describeInput(input: unknown): string {
  if (input === undefined) return 'nothing';
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'object') return 'a mapping';
  return JSON.stringify(input);
}

const TYPE_NAMES: Record<string, string> = {
  int: 'a whole number',
  number: 'a number',
  string: 'a text',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
};

/** zod's own wording; a schema that words its expectation itself ("expected a decimal amount…") keeps it. */
const ZOD_DEFAULT_MESSAGE = /^(Invalid|Too (small|big)|Unrecognized)/;

function messageOf(issue: z.core.$ZodIssue): string {
  const got = `got ${describeInput(issue.input)}`;
  const scalar = issue.input === null || typeof issue.input !== 'object';
  if (issue.code === 'custom') return scalar && issue.message.startsWith('expected') ? `${issue.message}, ${got}` : issue.message;
  if (!ZOD_DEFAULT_MESSAGE.test(issue.message)) return issue.input === undefined ? `required: ${issue.message}` : scalar ? `${issue.message}, ${got}` : issue.message;
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? `required: expected ${TYPE_NAMES[issue.expected] ?? issue.expected}` : `expected ${TYPE_NAMES[issue.expected] ?? issue.expected}, ${got}`;
    case 'invalid_value':
      return `expected ${issue.values.length === 1 ? JSON.stringify(issue.values[0]) : `one of ${issue.values.map((v) => String(v)).join(', ')}`}, ${got}`;
    case 'invalid_union': {
      // A discriminated union reports the allowed `kind` values this way.
      const { discriminator, options } = issue as { discriminator?: string; options?: unknown[] };
      if (discriminator === undefined || !Array.isArray(options)) return issue.message;
      const value = (issue.input as Record<string, unknown> | undefined)?.[discriminator];
      const allowed = `one of ${options.join(', ')}`;
      return value === undefined ? `required: expected ${allowed}` : `expected ${allowed}, got ${describeInput(value)}`;
    }
    case 'too_small':
      return issue.origin === 'array' ? `expected at least ${issue.minimum} entr${issue.minimum === 1 ? 'y' : 'ies'}` : `expected ${issue.inclusive === false ? '>' : '≥'} ${issue.minimum}, ${got}`;
    case 'too_big':
      return issue.origin === 'array' ? `expected at most ${issue.maximum} entries` : `expected ${issue.inclusive === false ? '<' : '≤'} ${issue.maximum}, ${got}`;
    default:
      return issue.message;
  }
}

/** One issue may cover several unknown keys; each gets its own line at its own path. */
function errorsOf(file: string, issue: z.core.$ZodIssue): StrategyError[] {
  if (issue.code === 'unrecognized_keys')
    return issue.keys.map((key) => ({ file, path: formatPath([...issue.path, key]), line: null, message: 'unknown field' }));
  return [{ file, path: formatPath(issue.path), line: null, message: messageOf(issue) }];
}

export function validateDocument(file: string, raw: unknown): Result<StrategyFileDocument> {
  const parsed = StrategyFileSchema.safeParse(raw, { reportInput: true });
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, errors: parsed.error.issues.flatMap((issue) => errorsOf(file, issue)) };
}

/** Checks that the documents of a directory form one coherent set. */
export function assembleBundle(documents: ValidatedDocument[]): Result<StrategyBundle> {
  const errors: StrategyError[] = [];
  const fail = (file: string, path: string, message: string) => errors.push({ file, path, line: null, message });
  const sets = documents.filter((d): d is ValidatedDocument<SetDocument> => d.document.kind === 'set');
  const strategies = documents.filter((d): d is ValidatedDocument<StrategyDocument> => d.document.kind === 'strategy');

  if (sets.length === 0) fail(documents[0]?.file ?? '(directory)', 'kind', 'expected one file of kind "set" routing accounts to strategies, found none');
  for (const extra of sets.slice(1)) fail(extra.file, 'kind', `expected one set per directory, ${sets[0].file} is one already`);

  const byId = new Map<string, ValidatedDocument>();
  for (const d of documents) {
    const first = byId.get(d.document.id);
    if (first) fail(d.file, 'id', `duplicate id "${d.document.id}" (also in ${first.file})`);
    else byId.set(d.document.id, d);
  }

  const set = sets[0];
  if (set) {
    const routed = new Set<string>();
    set.document.routes.forEach((route, r) =>
      route.arms.forEach((arm, a) => {
        routed.add(arm.strategy);
        const target = byId.get(arm.strategy);
        if (!target) fail(set.file, `routes[${r}].arms[${a}].strategy`, `expected the id of a strategy in this directory, got "${arm.strategy}"`);
        else if (target.document.kind !== 'strategy') fail(set.file, `routes[${r}].arms[${a}].strategy`, `expected a strategy, "${arm.strategy}" is a set`);
      }),
    );
    for (const s of strategies)
      if (!routed.has(s.document.id)) fail(s.file, 'id', `strategy "${s.document.id}" is not routed by set "${set.document.id}" (${set.file}): add a route arm or remove the file`);
  }
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, value: { set, strategies } };
}

/** "strategies/001.yaml:12 segments[0].ladder[1].every: expected ≥ 1, got 0". */
export function formatStrategyError(error: StrategyError): string {
  const where = error.line === null ? error.file : `${error.file}:${error.line}`;
  return `${where}${error.path ? ` ${error.path}` : ''}: ${error.message}`;
}
