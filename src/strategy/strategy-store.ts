// Strategy versions and activations in the database. Activating a validated directory stores a new
// version of each document whose content changed (same content, same version) and points the one
// active set at them; the active set is read back and compiled for the cycle.
import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../platform/db/types.ts';
import { compileStrategySet, type ActiveStrategySet, type SetVersions } from './core/compile.ts';
import { assembleBundle, formatStrategyError, validateDocument, type StrategyBundle, type ValidatedDocument } from './core/validate.ts';
import type { LoadedStrategySet } from './load-strategies.ts';

export interface VersionChange {
  strategyId: string;
  kind: 'set' | 'strategy';
  version: number;
  changed: boolean;
}

export interface ActivationResult {
  activationId: number;
  setId: string;
  setVersion: number;
  versions: VersionChange[];
}

export interface Activation {
  activationId: number;
  setId: string;
  setVersion: number;
  members: Array<{ strategyId: string; version: number }>;
  activatedAt: Date;
  activatedBy: string;
}

export interface StoredVersion {
  strategyId: string;
  version: number;
  kind: 'set' | 'strategy';
  contentHash: string;
  source: string;
  createdAt: Date;
  content: unknown;
}

/** Serialises activations so two at once cannot both take the same next version number. */
const ACTIVATION_LOCK = 7_461_300;

/** JSON with keys sorted at every level: the same document always hashes the same. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

export function contentHash(content: unknown): string {
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}

export async function saveAndActivate(db: Kysely<DB>, loaded: LoadedStrategySet, options: { activatedBy: string }): Promise<ActivationResult> {
  return db.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(${ACTIVATION_LOCK})`.execute(trx);
    const ids = loaded.documents.map((d) => d.document.id);
    const latest = await trx
      .selectFrom('strategy_versions')
      .select(['strategy_id', 'version', 'content_hash'])
      .distinctOn('strategy_id')
      .where('strategy_id', 'in', ids)
      .orderBy('strategy_id')
      .orderBy('version', 'desc')
      .execute();
    const latestBy = new Map(latest.map((r) => [r.strategy_id, r]));

    const versions: VersionChange[] = [];
    const inserts = [];
    for (const d of loaded.documents) {
      const hash = contentHash(d.content);
      const previous = latestBy.get(d.document.id);
      const changed = previous?.content_hash !== hash;
      const version = changed ? (previous?.version ?? 0) + 1 : previous!.version;
      versions.push({ strategyId: d.document.id, kind: d.document.kind, version, changed });
      if (changed) inserts.push({ strategy_id: d.document.id, version, kind: d.document.kind, content: JSON.stringify(d.content), content_hash: hash, source: d.file });
    }
    if (inserts.length > 0) await trx.insertInto('strategy_versions').values(inserts).execute();

    const setId = loaded.bundle.set.document.id;
    const setVersion = versions.find((v) => v.strategyId === setId)!.version;
    const members = versions.filter((v) => v.kind === 'strategy').map((v) => ({ strategyId: v.strategyId, version: v.version }));
    const row = await trx
      .insertInto('strategy_activations')
      .values({ set_id: setId, set_version: setVersion, members: JSON.stringify(members), activated_by: options.activatedBy })
      .returning('activation_id')
      .executeTakeFirstOrThrow();
    return { activationId: row.activation_id, setId, setVersion, versions };
  });
}

export async function loadActivation(db: Kysely<DB>): Promise<Activation | null> {
  const row = await db.selectFrom('strategy_activations').selectAll().orderBy('activation_id', 'desc').limit(1).executeTakeFirst();
  if (!row) return null;
  return {
    activationId: row.activation_id,
    setId: row.set_id,
    setVersion: row.set_version,
    members: row.members as Activation['members'],
    activatedAt: row.activated_at,
    activatedBy: row.activated_by,
  };
}

/** The active set as loaded: compiled for evaluation, and the validated documents it was compiled from. */
export interface LoadedActiveSet {
  set: ActiveStrategySet;
  activation: Activation;
  activationId: number;
  /** Plain data: compileStrategySet(bundle, versions) gives the set again (in a worker thread, say) without re-validating. */
  compiledFrom: { bundle: StrategyBundle; versions: SetVersions };
}

/** The active set compiled for evaluation, with its activation; null when nothing was ever activated. */
export async function loadActiveSet(db: Kysely<DB>): Promise<LoadedActiveSet | null> {
  const activation = await loadActivation(db);
  if (!activation) return null;
  const wanted = [{ strategyId: activation.setId, version: activation.setVersion }, ...activation.members];
  const rows = await db
    .selectFrom('strategy_versions')
    .select(['strategy_id', 'version', 'content', 'source'])
    .where((eb) => eb.or(wanted.map((w) => eb.and([eb('strategy_id', '=', w.strategyId), eb('version', '=', w.version)]))))
    .execute();
  const documents: ValidatedDocument[] = [];
  for (const w of wanted) {
    const row = rows.find((r) => r.strategy_id === w.strategyId && r.version === w.version);
    const label = `${w.strategyId} v${w.version}`;
    if (!row) throw new Error(`activation ${activation.activationId} names ${label}, which is not stored`);
    // Stored content is re-validated: a document written for an older schema fails loudly, naming itself.
    const validated = validateDocument(`${label} (from ${row.source})`, row.content);
    if (!validated.ok) throw new Error(`stored strategy ${label} no longer validates: ${validated.errors.map(formatStrategyError).join('; ')}`);
    documents.push({ file: row.source, document: validated.value });
  }
  const bundle = assembleBundle(documents);
  if (!bundle.ok) throw new Error(`activation ${activation.activationId} is not a coherent set: ${bundle.errors.map(formatStrategyError).join('; ')}`);
  const strategyVersions = Object.fromEntries(activation.members.map((m) => [m.strategyId, m.version]));
  const versions = { setVersion: activation.setVersion, strategyVersions };
  const set = compileStrategySet(bundle.value, versions);
  return { set, activation, activationId: activation.activationId, compiledFrom: { bundle: bundle.value, versions } };
}

/** Every stored version, newest first per id, without content. */
export async function listVersions(db: Kysely<DB>): Promise<Array<Omit<StoredVersion, 'content'>>> {
  const rows = await db
    .selectFrom('strategy_versions')
    .select(['strategy_id', 'version', 'kind', 'content_hash', 'source', 'created_at'])
    .orderBy('strategy_id')
    .orderBy('version', 'desc')
    .execute();
  return rows.map((r) => ({ strategyId: r.strategy_id, version: r.version, kind: r.kind as StoredVersion['kind'], contentHash: r.content_hash, source: r.source, createdAt: r.created_at }));
}

/** One stored version with its content; the latest when no version is given. */
export async function loadVersion(db: Kysely<DB>, strategyId: string, version?: number): Promise<StoredVersion | null> {
  let query = db.selectFrom('strategy_versions').selectAll().where('strategy_id', '=', strategyId);
  if (version !== undefined) query = query.where('version', '=', version);
  const r = await query.orderBy('version', 'desc').limit(1).executeTakeFirst();
  if (!r) return null;
  return { strategyId: r.strategy_id, version: r.version, kind: r.kind as StoredVersion['kind'], contentHash: r.content_hash, source: r.source, createdAt: r.created_at, content: r.content };
}
