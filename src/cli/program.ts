// The `overdue` command line: wiring only, each command lives in commands/ and calls a use-case.
// main.ts is the entry that runs it.
import { Command, CommanderError } from 'commander';

type Register = (program: Command) => void;

/**
 * The command modules, in the order help lists them, with the top-level commands each registers or
 * extends. A run loads only the modules of the command it names (the daily cycle need not load the
 * HTTP server); help, the version or an unknown command load them all.
 */
const MODULES: Array<{ commands: string[]; load: () => Promise<Register[]>; prestart?: () => Promise<void> }> = [
  { commands: ['db'], load: async () => [(await import('./commands/db.ts')).registerDatabaseCommands] },
  { commands: ['status'], load: async () => [(await import('./commands/status.ts')).registerStatusCommand] },
  { commands: ['demo'], load: async () => [(await import('./commands/demo.ts')).registerDemoCommands] },
  { commands: ['strategy', 'explain'], load: async () => [(await import('./commands/strategy.ts')).registerStrategyCommands] },
  { commands: ['products'], load: async () => [(await import('./commands/products.ts')).registerProductCommands] },
  { commands: ['import'], load: async () => [(await import('./commands/import.ts')).registerImportCommands] },
  // A cycle's worker thread starts before the command's modules load (see cycle/worker-thread.ts).
  {
    commands: ['cycle'], load: async () => [(await import('./commands/cycle.ts')).registerCycleCommands],
    prestart: async () => (await import('../strategy/cycle/worker-thread.ts')).prestartWorkerThread(),
  },
  // explain, and strategy diff (added to the strategy command registered above).
  { commands: ['explain', 'strategy'], load: async () => [(await import('./commands/cycle.ts')).registerExplainCommands] },
  { commands: ['start'], load: async () => [(await import('./commands/start.ts')).registerStartCommand] },
];

/** The command argv names: its first word that is not an option. */
export function namedCommand(argv: readonly string[]): string | undefined {
  return argv.find((arg) => !arg.startsWith('-'));
}

/** Whether the command argv names keeps running once its action returns (the server). */
export function keepsRunning(argv: readonly string[]): boolean {
  return namedCommand(argv) === 'start';
}

/** The command modules of the command argv names (none when it names none that exists). */
function modulesNamedIn(argv: readonly string[]): typeof MODULES {
  const named = namedCommand(argv);
  return MODULES.filter((m) => named !== undefined && m.commands.includes(named));
}

/** The program with the commands argv can reach (all of them when it names none that exists). */
export async function buildProgram(argv: readonly string[] = []): Promise<Command> {
  const program = new Command('overdue')
    .description('Overdue: overdue-account collection for consumer-credit platforms')
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride();
  const wanted = modulesNamedIn(argv);
  for (const module of wanted.length > 0 ? wanted : MODULES) for (const register of await module.load()) register(program);
  return program;
}

/** Starts what the command argv names prepares ahead of loading its modules (not for its help). */
async function prestart(argv: readonly string[]): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) return;
  for (const module of modulesNamedIn(argv)) await module.prestart?.();
}

export async function runCli(argv: string[]): Promise<number> {
  await prestart(argv);
  const program = await buildProgram(argv);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    process.stderr.write(`error: ${(error as Error).message}\n`);
    return 1;
  }
}
