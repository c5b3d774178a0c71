#!/usr/bin/env node
// Entry point of the `kiln` command: runs the compiled CLI (built by `npm install` via `prepare`).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  console.error('kiln: the compiled CLI is missing (dist/). Run `npm install` or `npm run build` first.');
  process.exit(3);
}
// `kiln ... | head` closes the pipe early: that is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}
// `kiln --version` answers from the version module alone (commander and the command tree are not needed).
const args = process.argv.slice(2);
const help = snapshotHelp(args);
if (help !== undefined) {
  process.stdout.write(help);
} else if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  const { KILN_VERSION } = await import(new URL('../dist/version.js', import.meta.url).href);
  process.stdout.write(`${KILN_VERSION}\n`);
} else {
  const { runCli } = await import(main.href);
  process.exitCode = await runCli(args);
}

/**
 * `kiln [command...] --help` from dist/cli/help-snapshot.json, written by `npm run build` from the real
 * command tree (src/cli/help-snapshot.ts), so it needs neither commander nor the ~80 command modules.
 * Anything else (options before --help, a stale or missing snapshot, a terminal width the snapshot does
 * not cover) returns undefined and commander renders the help as usual.
 */
function snapshotHelp(argv) {
  const last = argv[argv.length - 1];
  if (last !== '--help' && last !== '-h') return undefined;
  const path = argv.slice(0, -1);
  if (!path.every((a) => /^[a-z][a-z0-9-]*$/.test(a))) return undefined;
  const file = fileURLToPath(new URL('../dist/cli/help-snapshot.json', import.meta.url));
  let snapshot;
  try {
    // A plain `tsc` rebuild after the snapshot was written leaves it stale: then commander answers.
    if (statSync(file).mtimeMs < statSync(fileURLToPath(main)).mtimeMs) return undefined;
    snapshot = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
  const entry = snapshot.entries?.[path.join(' ')];
  if (entry === undefined) return undefined;
  // Commander's width: the terminal's columns on a TTY, else 80.
  const width = (process.stdout.isTTY && process.stdout.columns) || 80;
  return width === snapshot.width || (width > snapshot.width && entry.wide) ? entry.text : undefined;
}
