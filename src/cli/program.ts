// The `overdue` command line: wiring only, each command lives in commands/ and calls a use-case.
// main.ts is the entry that runs it.
import { Command, CommanderError } from 'commander';
import { registerDatabaseCommands } from './commands/db.ts';
import { registerStatusCommand } from './commands/status.ts';
import { registerDemoCommands } from './commands/demo.ts';
import { registerImportCommands } from './commands/import.ts';
import { registerProductCommands } from './commands/products.ts';
import { registerStrategyCommands } from './commands/strategy.ts';
import { registerCycleCommands, registerExplainCommands } from './commands/cycle.ts';
import { registerStartCommand } from './commands/start.ts';

export function buildProgram(): Command {
  const program = new Command('overdue')
    .description('Overdue: overdue-account collection for consumer-credit platforms')
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride();
  for (const register of [registerDatabaseCommands, registerStatusCommand, registerDemoCommands, registerStrategyCommands, registerProductCommands, registerImportCommands, registerCycleCommands, registerExplainCommands, registerStartCommand]) register(program);
  return program;
}

export async function runCli(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    process.stderr.write(`error: ${(error as Error).message}\n`);
    return 1;
  }
}
