#!/usr/bin/env node
// The `overdue` command. On Node.js 24 or later it turns on Node's compile cache (in the system's
// temporary folder) and runs the command line (src/cli/main.ts), whose modules are then stripped of
// their types and compiled once, not on every run; this file being JavaScript, not even the entry
// needs the type stripper. An older system Node hands over to the project's own Node 24.
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
  const r = spawnSync(bundled, [fileURLToPath(main), ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
