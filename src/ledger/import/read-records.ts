// Reading an import file into records: encoding, BOM and line endings, CSV or NDJSON, and — for CSV —
// folding consecutive rows of one record together. File-level problems (not UTF-8, empty, wrong columns)
// throw InvalidFileError before the first record comes out, so nothing is written for such a file; a
// problem with one line only rejects the record it belongs to.
import { readFile } from 'node:fs/promises';
import { isUtf8 } from 'node:buffer';
import { extname } from 'node:path';
import { Readable } from 'node:stream';
import { parse, type CsvError } from 'csv-parse';
import { InvalidFileError } from '../errors.ts';
import { CSV_LAYOUTS, columnsOf, type CsvLayout, type ImportKind } from './layouts.ts';

export type ImportFormat = 'csv' | 'ndjson';

/** A problem at a place in the file; field is the CSV column or the NDJSON key path, '' for the whole line. */
export interface LocatedProblem {
  line: number;
  field: string;
  message: string;
}

export interface SourceRecord {
  /** The record's first line. */
  line: number;
  value: Record<string, unknown>;
  /** Where the field at a record path ("instalments[2].principal") was written in the file. */
  locate(path: string): { line: number; field: string };
}

export type SourceItem = { ok: true; record: SourceRecord } | { ok: false; line: number; problems: LocatedProblem[] };

export function formatOf(file: string, format?: string): ImportFormat {
  const named = (format ?? extname(file).slice(1)).toLowerCase();
  if (named === 'csv') return 'csv';
  if (named === 'ndjson' || named === 'jsonl') return 'ndjson';
  throw new InvalidFileError([format
    ? `${file}: unknown format "${format}"; expected csv or ndjson`
    : `${file}: cannot tell the format from the extension "${extname(file)}"; name the file .csv, .ndjson or .jsonl, or pass --format csv|ndjson`]);
}

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** The file as text, refusing anything that is not UTF-8 with the first offending line. */
async function readText(file: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw new InvalidFileError([`${file}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`]);
  }
  if (bytes.subarray(0, 3).equals(UTF8_BOM)) bytes = bytes.subarray(3);
  if (!isUtf8(bytes)) {
    let start = 0;
    for (let line = 1; ; line++) {
      const end = bytes.indexOf(0x0a, start);
      if (!isUtf8(bytes.subarray(start, end === -1 ? bytes.length : end))) {
        throw new InvalidFileError([`${file}: line ${line}: not valid UTF-8 text; save the file as UTF-8`]);
      }
      start = end + 1;
    }
  }
  const text = bytes.toString('utf8');
  if (text.trim() === '') throw new InvalidFileError([`${file}: the file is empty`]);
  return text;
}

export async function* readRecords(file: string, kind: ImportKind, format: ImportFormat): AsyncGenerator<SourceItem> {
  const text = await readText(file);
  yield* format === 'csv' ? csvRecords(file, text, CSV_LAYOUTS[kind]) : ndjsonRecords(text);
}

function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null).map(([k, v]) => [k, withoutNulls(v)]));
}

function* ndjsonRecords(text: string): Generator<SourceItem> {
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const line = n + 1;
    const source = lines[n].trim();
    if (source === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(source);
    } catch (error) {
      yield { ok: false, line, problems: [{ line, field: '', message: `not a JSON object: ${(error as Error).message}` }] };
      continue;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      yield { ok: false, line, problems: [{ line, field: '', message: 'expected a JSON object per line' }] };
      continue;
    }
    yield { ok: true, record: { line, value: withoutNulls(value) as Record<string, unknown>, locate: (path) => ({ line, field: path }) } };
  }
}

type CsvRow = { line: number; fields: string[] } | { line: number; problem: string };

/** CSV records with the line each starts on; a malformed line becomes a problem and reading goes on. */
async function* csvRows(text: string): AsyncGenerator<CsvRow> {
  const skipped: CsvRow[] = [];
  const parser = parse({
    info: true, relax_column_count: true, skip_empty_lines: true, trim: true, skip_records_with_error: true,
    on_skip: (error: CsvError | undefined) => {
      if (error) skipped.push({ line: Number((error as CsvError & { lines?: number }).lines ?? 0), problem: `malformed CSV: ${error.message.replace(/ at line \d+/, '')}` });
    },
  });
  // Fed in slices so records come out as they are consumed; a slice never ends inside a surrogate pair.
  const chunks = function* () {
    for (let start = 0, end = 0; start < text.length; start = end) {
      end = Math.min(start + 65_536, text.length);
      if (end < text.length && /[\uD800-\uDBFF]/.test(text[end - 1])) end++;
      yield text.slice(start, end);
    }
  };
  Readable.from(chunks()).pipe(parser);
  for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    // info.lines is where the record ends; quoted fields may span lines.
    const line = info.lines - record.reduce((n, field) => n + (field.match(/\n/g)?.length ?? 0), 0);
    while (skipped.length > 0 && skipped[0].line < line) yield skipped.shift()!;
    yield { line, fields: record };
  }
  yield* skipped;
}

interface Group {
  key: string;
  line: number;
  value: Record<string, unknown>;
  itemLines: Map<string, number[]>;
  problems: LocatedProblem[];
}

async function* csvRecords(file: string, text: string, layout: CsvLayout): AsyncGenerator<SourceItem> {
  let header: string[] | null = null;
  let group: Group | null = null;
  const firstLineOf = new Map<string, number>();
  const itemColumns = new Map(layout.items.flatMap((item) => Object.entries(item.columns).map(([column, field]) => [`${item.field}.${field}`, column])));

  const finish = (g: Group): SourceItem => {
    if (g.problems.length > 0) return { ok: false, line: g.line, problems: g.problems };
    const locate = (path: string) => {
      const m = /^(\w+)\[(\d+)\](?:\.(\w+))?/.exec(path);
      const lines = m ? g.itemLines.get(m[1]) : undefined;
      if (!m || !lines) return { line: g.line, field: path };
      return { line: lines[Number(m[2])] ?? g.line, field: (m[3] && itemColumns.get(`${m[1]}.${m[3]}`)) ?? path };
    };
    return { ok: true, record: { line: g.line, value: g.value, locate } };
  };

  for await (const row of csvRows(text)) {
    if ('problem' in row) {
      if (header === null) throw new InvalidFileError([`${file}: line ${row.line}: ${row.problem}`]);
      yield { ok: false, line: row.line, problems: [{ line: row.line, field: '', message: row.problem }] };
      continue;
    }
    if (header === null) {
      header = row.fields;
      const known = columnsOf(layout);
      const problems = [
        ...header.filter((c, i) => header!.indexOf(c) !== i).map((c) => `column "${c}" appears twice`),
        ...header.filter((c) => !known.includes(c)).map((c) => `unknown column "${c}"`),
        ...layout.headerProblems(header),
      ];
      if (problems.length > 0) throw new InvalidFileError([...problems.map((p) => `${file}: line ${row.line}: ${p}`), `${file}: the ${layout.noun} columns are: ${known.join(', ')}`]);
      continue;
    }
    if (row.fields.length !== header.length) {
      yield { ok: false, line: row.line, problems: [{ line: row.line, field: '', message: `expected ${header.length} fields as in the header, found ${row.fields.length}` }] };
      continue;
    }
    const cells = new Map(header.map((column, i) => [column, row.fields[i]] as const).filter(([, v]) => v !== ''));
    const key = cells.get('external_id') ?? '';
    const continues = layout.items.length > 0 && group !== null && key !== '' && key === group.key;
    if (!continues) {
      if (group) yield finish(group);
      group = { key, line: row.line, value: {}, itemLines: new Map(), problems: [] };
      for (const column of layout.recordColumns) if (cells.has(column)) group.value[column] = cells.get(column);
      const first = firstLineOf.get(key);
      if (first !== undefined) {
        group.problems.push({ line: row.line, field: 'external_id', message: `the rows of ${layout.noun} "${key}" must be consecutive; it already appeared at line ${first}` });
      } else if (key !== '' && layout.items.length > 0) firstLineOf.set(key, row.line);
    } else {
      for (const column of layout.recordColumns) {
        if (cells.has(column) && cells.get(column) !== group!.value[column]) {
          group!.problems.push({ line: row.line, field: column, message: `differs from line ${group!.line} of the same ${layout.noun}` });
        }
      }
    }
    for (const item of layout.items) {
      const entries = Object.entries(item.columns).filter(([column]) => cells.has(column)).map(([column, field]) => [field, cells.get(column)]);
      if (entries.length === 0) continue;
      ((group!.value[item.field] ??= []) as unknown[]).push(Object.fromEntries(entries));
      if (!group!.itemLines.has(item.field)) group!.itemLines.set(item.field, []);
      group!.itemLines.get(item.field)!.push(row.line);
    }
  }
  if (header === null) throw new InvalidFileError([`${file}: no header line`]);
  if (group) yield finish(group);
}
