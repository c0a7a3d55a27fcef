// `overdue strategy validate|activate|list|show`: strategy files on disk, their stored versions and
// the active set. Problems print one per line and exit 1; an invalid directory never reaches the database.
import type { Command } from 'commander';
import { statSync } from 'node:fs';
import { stringify } from 'yaml';
import { withRuntime } from '../../platform/runtime.ts';
import { wholeNumber } from '../options.ts';
import {
  formatStrategyError,
  listVersions,
  loadActivation,
  loadStrategyDirectory,
  loadStrategyFile,
  loadVersion,
  saveAndActivate,
  type StrategyError,
} from '../../strategy/index.ts';

const DEFAULT_DIRECTORY = 'strategies/';

function reportProblems(errors: StrategyError[]): void {
  for (const e of errors) console.error(formatStrategyError(e));
  console.error(`${errors.length} problem${errors.length === 1 ? '' : 's'}; nothing changed`);
  process.exitCode = 1;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The database keeps JSON keys in its own order; print them in the order the README documents them. */
const KEY_ORDER = ['kind', 'id', 'name', 'description', 'defaults', 'when', 'on', 'every', 'maxTimes', 'stopWhen', 'routes', 'segments', 'ladder', 'sharedLadder', 'arms', 'actions', 'min', 'max'];
function inDocumentOrder(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(inDocumentOrder);
  if (value === null || typeof value !== 'object') return value;
  const rank = (k: string) => (KEY_ORDER.includes(k) ? KEY_ORDER.indexOf(k) : KEY_ORDER.length);
  const keys = Object.keys(value).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  return Object.fromEntries(keys.map((k) => [k, inDocumentOrder((value as Record<string, unknown>)[k])]));
}

/** Registers the `strategy` command group and returns it, so other commands (diff, explain) can join it. */
export function registerStrategyCommands(program: Command): Command {
  // `show <id> --version N` must reach the subcommand, not the program's own --version.
  program.enablePositionalOptions();
  const strategy = program.command('strategy').description('collection strategies: validate, activate, list and show versions');

  strategy
    .command('validate')
    .description('check a strategy directory (the set and every strategy together) or a single file')
    .argument('[path]', 'directory or file', DEFAULT_DIRECTORY)
    .action((path: string) => {
      if (isDirectory(path)) {
        const loaded = loadStrategyDirectory(path);
        if (!loaded.ok) return reportProblems(loaded.errors);
        const { set, bundle } = loaded.value;
        console.log(`${path}: valid, set "${set.setId}" with ${set.routes.length} routes over ${bundle.strategies.length} strategies (${set.members.map((m) => m.strategyId).join(', ')})`);
        return;
      }
      const loaded = loadStrategyFile(path);
      if (!loaded.ok) return reportProblems(loaded.errors);
      const doc = loaded.value.document;
      const references = doc.kind === 'set' ? '; the strategies it routes to are checked when validating the directory' : '';
      console.log(`${path}: valid ${doc.kind} "${doc.id}"${references}`);
    });

  strategy
    .command('activate')
    .description('validate a strategy directory and make it the active set (a new version for each changed file)')
    .argument('[directory]', 'strategy directory', DEFAULT_DIRECTORY)
    .option('--by <name>', 'who activates, recorded with the activation', 'cli')
    .action(async (directory: string, options: { by: string }) => {
      const loaded = loadStrategyDirectory(directory);
      if (!loaded.ok) return reportProblems(loaded.errors);
      const result = await withRuntime(({ database }) => saveAndActivate(database.db, loaded.value, { activatedBy: options.by }));
      for (const v of result.versions) console.log(`${v.kind.padEnd(8)} ${v.strategyId} v${v.version}${v.changed ? ' (new version)' : ' (unchanged)'}`);
      console.log(`activation ${result.activationId}: set ${result.setId} v${result.setVersion} is active`);
    });

  strategy
    .command('list')
    .description('the active set and every stored version')
    .action(async () => {
      await withRuntime(async ({ database }) => {
        const [activation, versions] = await Promise.all([loadActivation(database.db), listVersions(database.db)]);
        if (!activation) console.log('no active strategy set: run `overdue strategy activate strategies/`');
        else
          console.log(`active: activation ${activation.activationId}, set ${activation.setId} v${activation.setVersion}, by ${activation.activatedBy} at ${activation.activatedAt.toISOString()}`);
        const active = new Set(activation ? [`${activation.setId}@${activation.setVersion}`, ...activation.members.map((m) => `${m.strategyId}@${m.version}`)] : []);
        for (const v of versions)
          console.log(`${active.has(`${v.strategyId}@${v.version}`) ? '*' : ' '} ${v.kind.padEnd(8)} ${v.strategyId} v${v.version}  ${v.createdAt.toISOString()}  ${v.contentHash.slice(0, 12)}  ${v.source}`);
      });
    });

  strategy
    .command('show')
    .description('print a stored strategy or set version as YAML (the latest unless --version)')
    .argument('<id>', 'strategy or set id')
    .option('--version <n>', 'version number', wholeNumber('--version'))
    .action(async (id: string, options: { version?: number }) => {
      await withRuntime(async ({ database }) => {
        const stored = await loadVersion(database.db, id, options.version);
        if (!stored) {
          console.error(`no stored ${options.version ? `version ${options.version} of ` : ''}strategy "${id}" (see \`overdue strategy list\`)`);
          process.exitCode = 1;
          return;
        }
        console.log(`# ${stored.kind} ${stored.strategyId} v${stored.version}, from ${stored.source}, stored ${stored.createdAt.toISOString()}, sha256 ${stored.contentHash}`);
        console.log(stringify(inDocumentOrder(stored.content)).trimEnd());
      });
    });

  return strategy;
}
