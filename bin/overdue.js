#!/usr/bin/env -S node --max-semi-space-size=16
// The `overdue` command. On Node.js 24 or later it turns on Node's compile cache (in the system's
// temporary folder) and runs the command line (src/cli/main.ts), whose modules are then stripped of
// their types and compiled once, not on every run; this file being JavaScript, not even the entry
// needs the type stripper. An older system Node hands over to the project's own Node 24, with the
// same options.
//
// Run as a command (npx overdue, npm run overdue, or the file itself), Node starts with semi-spaces of
// at most 16 MiB, as the daily cycle's worker thread has them (cycle/worker-thread.ts): left to itself
// V8 grows them to 64 MiB on a machine with much memory, and the cycle's short-lived facts, rows and
// documents then keep touching fresh pages. Measured on the benchmark's next day, interleaved, three
// pairs: a sixth fewer page faults, the process's CPU 0.25 s less, the wall's median 5.44 s against
// 5.82 s; the first day even, its peak memory about 140 MiB less. The option can only be given when
// Node starts, hence here.
import { spawnSync } from 'node:child_process';
import nodeModule from 'node:module';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';

const main = new URL('../src/cli/main.ts', import.meta.url);
const major = Number(process.versions.node.split('.')[0]);
if (major >= 24) {
  nodeModule.enableCompileCache();
  // main.ts runs the command and ends the process with its exit code.
  await import(main.href);
} else {
  const bundled = fileURLToPath(new URL('../node_modules/node/bin/node', import.meta.url));
  if (!existsSync(bundled)) {
    console.error('overdue needs Node.js 24 or later: run `npm install` in the project folder first');
    process.exit(1);
  }
  const r = spawnSync(bundled, [...process.execArgv, fileURLToPath(main), ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
