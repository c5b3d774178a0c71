/**
 * Drive the real `kiln` command (bin/kiln.js -> dist/) in a child process with its own KILN_HOME.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO = resolve(import.meta.dirname, '../..');
const BIN = join(REPO, 'bin/kiln.js');

/** Result of one CLI run. */
export interface KilnRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** A fresh temporary directory. */
export function tempDir(prefix = 'kiln-e2e-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** Run `kiln ...args` with KILN_HOME=home in cwd. */
export function runKiln(args: readonly string[], opts: { home: string; cwd?: string; env?: Record<string, string> }): Promise<KilnRun> {
  if (!existsSync(join(REPO, 'dist/cli/main.js'))) throw new Error('dist/ is missing: run `npm run build` first (npm test does it)');
  return new Promise((done) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: opts.cwd ?? REPO, env: { ...process.env, KILN_HOME: opts.home, KILN_DATABASE_URL: '', ...opts.env }, maxBuffer: 256 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}

/** Parse stdout as the one JSON document `--json` prints. */
export function json<T = Record<string, unknown>>(run: KilnRun): T {
  try {
    return JSON.parse(run.stdout) as T;
  } catch {
    throw new Error(`stdout is not JSON (exit ${run.code}):\n${run.stdout}\n--- stderr ---\n${run.stderr}`);
  }
}
