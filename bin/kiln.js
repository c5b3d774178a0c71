#!/usr/bin/env node
// Entry point of the `kiln` command: runs the compiled CLI (built by `npm install` via `prepare`).
import { existsSync } from 'node:fs';
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
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  const { KILN_VERSION } = await import(new URL('../dist/version.js', import.meta.url).href);
  process.stdout.write(`${KILN_VERSION}\n`);
} else {
  const { runCli } = await import(main.href);
  process.exitCode = await runCli(args);
}
