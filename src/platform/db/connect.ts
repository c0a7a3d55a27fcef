// Opens the system of record: embedded PostgreSQL (PGlite) in a data folder, or a PostgreSQL server
// when a URL is given. Both are driven through the same Kysely dialect, so every query runs unchanged.
import { Kysely, PostgresDialect, type PostgresPool, type PostgresPoolClient } from 'kysely';
import pg from 'pg';
import type { PGlite } from '@electric-sql/pglite';
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { DB } from './types.ts';

export type DatabaseKind = 'embedded' | 'server';

export interface Database {
  readonly db: Kysely<DB>;
  readonly kind: DatabaseKind;
  /** How many statements may usefully run at once (1 on the embedded database). */
  readonly concurrency: number;
  /** The server's connection string, for another thread or process to open its own connections. */
  readonly url?: string;
  /** Runs a multi-statement SQL script (migrations, bulk maintenance). */
  runScript(sqlText: string): Promise<void>;
  close(): Promise<void>;
}

const INT8 = 20;
const DATE = 1082;
/** Array type oids, which pg's TypeId enum does not list. */
type TypeId = Parameters<typeof pg.types.setTypeParser>[0];
const DATE_ARRAY = 1182 as TypeId;
const TEXT_ARRAY = 1009 as TypeId;
const NUMERIC = 1700;

/** int8 as a JS number: every amount is a safe integer of minor units; refuse anything larger. */
function parseInt8(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`int8 value ${value} exceeds the safe integer range`);
  return n;
}
const parseDate = (value: string): string => value;

let pgParsersSet = false;
function setServerParsers(): void {
  if (pgParsersSet) return;
  pg.types.setTypeParser(INT8, parseInt8);
  pg.types.setTypeParser(DATE, parseDate);
  // date[] as calendar strings too, as the embedded database returns them.
  pg.types.setTypeParser(DATE_ARRAY, pg.types.getTypeParser(TEXT_ARRAY));
  pg.types.setTypeParser(NUMERIC, (v: string) => v);
  pgParsersSet = true;
}

export interface OpenOptions {
  url?: string;
  /** Data folder for the embedded database; 'memory://' keeps it in memory. */
  dataDir?: string;
  poolSize?: number;
}

export async function openDatabase(options: OpenOptions): Promise<Database> {
  return options.url ? openServer(options.url, options.poolSize ?? 4) : openEmbedded(options.dataDir ?? './data');
}

async function openServer(url: string, poolSize: number): Promise<Database> {
  setServerParsers();
  // JIT compilation costs more than it saves on the short, index-driven statements Overdue runs.
  const pool = new pg.Pool({ connectionString: url, max: poolSize, options: '-c jit=off' });
  pool.on('error', () => {
    // An idle client lost its server; the next checkout reconnects. Never crash the process for it.
  });
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: preparingLongStatements(pool) }) });
  return {
    db,
    kind: 'server',
    concurrency: Math.max(1, poolSize - 1),
    url,
    async runScript(sqlText) {
      const client = await pool.connect();
      try {
        await client.query(sqlText);
      } finally {
        client.release();
      }
    },
    async close() {
      await db.destroy();
    },
  };
}

/** Statements at least this long run as prepared statements (preparingLongStatements). */
const PREPARED_FROM_LENGTH = 1024;
/** At most this many distinct statements are prepared per pool; any further ones run unprepared. */
const MAX_PREPARED = 128;

/**
 * The pool as Kysely sees it, with long statements run as named prepared statements: each connection
 * parses such a statement once, and the server may keep its plan (PostgreSQL's plan cache chooses, per
 * statement, between a plan for the values given and one kept for any values). The statements the
 * daily cycle runs for every chunk of borrowers are long and the same but for their parameters; their
 * parsing and planning cost about a tenth of their execution. Short ones gain little and are left as
 * they are; the cap keeps statements whose text varies from piling up in every session.
 */
function preparingLongStatements(pool: pg.Pool): PostgresPool {
  const names = new Map<string, string>();
  const nameOf = (text: string): string | undefined => {
    let name = names.get(text);
    if (name === undefined && names.size < MAX_PREPARED) {
      name = `overdue_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
      names.set(text, name);
    }
    return name;
  };
  return {
    async connect() {
      const client = await pool.connect();
      const query = (text: string, values: unknown[]) => {
        const name = text.length >= PREPARED_FROM_LENGTH ? nameOf(text) : undefined;
        return name === undefined ? client.query(text, values) : client.query({ name, text, values });
      };
      return { query, release: (destroy?: boolean) => client.release(destroy) } as unknown as PostgresPoolClient;
    },
    end: () => pool.end(),
  };
}

/** The statement kind Kysely's Postgres driver uses to report affected rows. */
function commandOf(sqlText: string): string {
  const m = /\b(INSERT|UPDATE|DELETE|MERGE)\b/i.exec(sqlText);
  return m ? m[1].toUpperCase() : 'SELECT';
}

/**
 * PGlite is one connection; this presents it as a pool of one so Kysely's Postgres driver
 * (transactions, savepoints, compiler) works unchanged. Checkouts wait their turn.
 */
class EmbeddedPool {
  #queue: Promise<void> = Promise.resolve();
  readonly #pglite: PGlite;
  constructor(pglite: PGlite) {
    this.#pglite = pglite;
  }
  async connect() {
    let release!: () => void;
    const turn = new Promise<void>((resolve) => (release = resolve));
    const previous = this.#queue;
    this.#queue = previous.then(() => turn);
    await previous;
    const pglite = this.#pglite;
    return {
      async query(sqlText: string, params: unknown[] = []) {
        const r = await pglite.query<Record<string, unknown>>(sqlText, params);
        return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length, command: commandOf(sqlText) };
      },
      release() {
        release();
      },
    };
  }
  async end() {
    await this.#queue;
    await this.#pglite.close();
  }
}

async function openEmbedded(dataDir: string): Promise<Database> {
  if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true });
  // Loaded only when the embedded database is used: a server deployment never needs it.
  const { PGlite } = await import('@electric-sql/pglite');
  const pglite = new PGlite(dataDir, {
    parsers: { [INT8]: parseInt8, [DATE]: parseDate, [NUMERIC]: (v: string) => v },
  });
  await pglite.waitReady;
  const pool = new EmbeddedPool(pglite);
  // Kysely only calls connect()/end() and the client's query()/release().
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: pool as never }) });
  return {
    db,
    kind: 'embedded',
    concurrency: 1,
    async runScript(sqlText) {
      const client = await pool.connect();
      try {
        await pglite.exec(sqlText);
      } finally {
        client.release();
      }
    },
    async close() {
      await db.destroy();
    },
  };
}
