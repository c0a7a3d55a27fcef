// Reads strategy files (YAML, or JSON, which is YAML too) from disk and validates them: a directory
// becomes a candidate ActiveStrategySet, or the full list of problems with file, path and line.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { compileStrategySet, type ActiveStrategySet } from './core/compile.ts';
import type { StrategyFileDocument } from './core/schema.ts';
import type { Result, StrategyError } from './core/types.ts';
import { assembleBundle, validateDocument, type StrategyBundle } from './core/validate.ts';
export { formatStrategyError } from './core/validate.ts';

export interface LoadedDocument {
  file: string;
  /** The document as written (comments and formatting aside): what is stored and hashed. */
  content: unknown;
  document: StrategyFileDocument;
}

export interface LoadedStrategySet {
  source: string;
  documents: LoadedDocument[];
  bundle: StrategyBundle;
  /** Compiled with version 0 for every member: a candidate, not yet activated. */
  set: ActiveStrategySet;
}

const STRATEGY_FILE = /\.(ya?ml|json)$/i;

/** "segments[2].ladder[0]" → ['segments', 2, 'ladder', 0]. */
function pathKeys(path: string): Array<string | number> {
  return [...path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((m) => (m[2] !== undefined ? Number(m[2]) : m[1]));
}

/** Line of the deepest node that exists along the path (the parent of a missing field). */
function lineOf(doc: Document, lines: LineCounter, path: string): number | null {
  const keys = pathKeys(path);
  for (let n = keys.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(keys.slice(0, n), true);
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    if (range) return lines.linePos(range[0]).line;
  }
  return null;
}

/** A parsed, valid file and a way back from a path inside it to its line, for errors found later. */
interface ParsedFile {
  loaded: LoadedDocument;
  lineOf(path: string): number | null;
}

function parseFile(file: string): Result<ParsedFile> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return { ok: false, errors: [{ file, path: '', line: null, message: `cannot read: ${(error as Error).message}` }] };
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0)
    return { ok: false, errors: doc.errors.map((e) => ({ file, path: '', line: lines.linePos(e.pos[0]).line, message: `not valid YAML/JSON: ${e.message.split('\n')[0]}` })) };
  const content: unknown = doc.toJS();
  const validated = validateDocument(file, content);
  if (!validated.ok) return { ok: false, errors: validated.errors.map((e) => ({ ...e, line: lineOf(doc, lines, e.path) })) };
  return { ok: true, value: { loaded: { file, content, document: validated.value }, lineOf: (path) => lineOf(doc, lines, path) } };
}

/** One file checked on its own; references to other files are checked by loadStrategyDirectory. */
export function loadStrategyFile(file: string): Result<LoadedDocument> {
  const parsed = parseFile(file);
  return parsed.ok ? { ok: true, value: parsed.value.loaded } : parsed;
}

/** Every strategy file of a directory: all of them valid and together one set, or every problem found. */
export function loadStrategyDirectory(directory: string): Result<LoadedStrategySet> {
  let names: string[];
  try {
    if (!statSync(directory).isDirectory()) return { ok: false, errors: [{ file: directory, path: '', line: null, message: 'expected a directory of strategy files' }] };
    names = readdirSync(directory).filter((n) => STRATEGY_FILE.test(n)).sort();
  } catch (error) {
    return { ok: false, errors: [{ file: directory, path: '', line: null, message: `cannot read: ${(error as Error).message}` }] };
  }
  if (names.length === 0) return { ok: false, errors: [{ file: directory, path: '', line: null, message: 'no strategy files (*.yaml, *.yml, *.json)' }] };

  const files: ParsedFile[] = [];
  const errors: StrategyError[] = [];
  for (const name of names) {
    const parsed = parseFile(join(directory, name));
    if (parsed.ok) files.push(parsed.value);
    else errors.push(...parsed.errors);
  }
  if (errors.length > 0) return { ok: false, errors };
  const documents = files.map((f) => f.loaded);
  const assembled = assembleBundle(documents);
  if (!assembled.ok) {
    const lineIn = new Map(files.map((f) => [f.loaded.file, f.lineOf]));
    return { ok: false, errors: assembled.errors.map((e) => ({ ...e, line: lineIn.get(e.file)?.(e.path) ?? null })) };
  }
  const set = compileStrategySet(assembled.value, { setVersion: 0, strategyVersions: {} });
  return { ok: true, value: { source: directory, documents, bundle: assembled.value, set } };
}
