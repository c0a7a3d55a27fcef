// Runs the real `overdue` command (bin/overdue.js, as npx and npm run it) as a child process against a
// given database.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../bin/overdue.js', import.meta.url));

export interface DatabaseEnv {
  /** Server URL, or undefined for the embedded database in dataDir. */
  url?: string;
  dataDir?: string;
}

export function cliEnv(target: DatabaseEnv): NodeJS.ProcessEnv {
  return { ...process.env, DATABASE_URL: target.url ?? '', OVERDUE_DATA_DIR: target.dataDir ?? './data', OVERDUE_LOG_LEVEL: 'warn' };
}

export function runOverdue(args: string[], target: DatabaseEnv): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { env: cliEnv(target), encoding: 'utf8', maxBuffer: 32 * 1024 * 1024 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function startOverdue(args: string[], target: DatabaseEnv): { child: ChildProcess; done: Promise<{ status: number | null; signal: string | null; stdout: string; stderr: string }> } {
  const child = spawn(process.execPath, [CLI, ...args], { env: cliEnv(target), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<{ status: number | null; signal: string | null; stdout: string; stderr: string }>((resolve) => {
    child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr }));
  });
  return { child, done };
}
