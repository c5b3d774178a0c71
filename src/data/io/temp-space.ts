/**
 * Temporary space for staging work (dataset registration, chunked writers, uploads, outputs being
 * published). Everything lives under one root (`KILN_HOME/tmp` once a Kiln is opened, the system temp
 * folder before) with the owner's pid in the name, so that:
 * - a process removes its own temp paths on SIGINT/SIGTERM and at exit (a kill -9 cannot be caught), and
 * - the next process sweeps what a dead one left behind: entries older than `STALE_AFTER_MS` whose
 *   owning pid is gone.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';

/** Entries left by a dead process are swept once they are this old (a live owner is never swept). */
export const STALE_AFTER_MS = 10 * 60 * 1000;

const NAME = /^kiln-[a-z]+-(\d+)-/;
let root: string = tmpdir();
const swept = new Set<string>();
const live = new Set<string>();
let hooked = false;

/** Use `dir` (e.g. `KILN_HOME/tmp`) for temp space from now on. */
export function configureTempSpace(dir: string): void {
  root = dir;
}

/** The folder temp space is created in now. */
export function tempRoot(): string {
  return root;
}

/** Create a private temp directory `kiln-<purpose>-<pid>-XXXXXX`, removed on signals and at exit unless released first. */
export async function makeTempDir(purpose: string): Promise<string> {
  if (!/^[a-z]+$/.test(purpose)) throw new Error(`temp purpose must be lowercase letters (got "${purpose}")`);
  const base = root;
  await mkdir(base, { recursive: true });
  if (!swept.has(base)) {
    swept.add(base);
    await sweepStaleTemp(base);
  }
  const dir = await mkdtemp(join(base, `kiln-${purpose}-${process.pid}-`));
  trackTempPath(dir);
  return dir;
}

/** Remove a temp directory made by `makeTempDir` (or a tracked path) and stop tracking it. */
export async function removeTempPath(path: string): Promise<void> {
  await rm(path, { recursive: true, force: true });
  live.delete(path);
}

/**
 * Track a path this process creates outside temp space (an output's `.kiln-tmp-*` sibling before its
 * rename) so a signal or exit removes it; the returned function stops tracking (after the rename).
 */
export function trackTempPath(path: string): () => void {
  hookSignals();
  live.add(path);
  return () => void live.delete(path);
}

/** Remove stale entries of dead processes under `dir`; returns the removed names. */
export async function sweepStaleTemp(dir: string, maxAgeMs = STALE_AFTER_MS, now = Date.now()): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = NAME.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || isAlive(pid)) continue;
    try {
      const st = await stat(join(dir, name));
      if (now - st.mtimeMs < maxAgeMs) continue;
      await rm(join(dir, name), { recursive: true, force: true });
      removed.push(name);
    } catch {
      // Another process swept it first, or it vanished: nothing to do.
    }
  }
  return removed;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the pid exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function removeAllSync(): void {
  for (const path of live) {
    try {
      rmSync(path, { recursive: true, force: true });
    } catch {
      // Best effort while exiting.
    }
  }
  live.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  // When something else handles this signal (the server's graceful shutdown), it owns the exit and
  // in-flight work releases its temp paths itself; otherwise clean up and die of the signal as usual.
  if (process.listenerCount(signal) > 1) return;
  removeAllSync();
  process.removeListener('SIGINT', onSignal);
  process.removeListener('SIGTERM', onSignal);
  process.kill(process.pid, signal);
}

function hookSignals(): void {
  if (hooked) return;
  hooked = true;
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('exit', removeAllSync);
}

/** Write `text` to `path` atomically: a tracked temp sibling in the same folder, renamed into place. */
export async function writeFileAtomic(path: string, text: string | Uint8Array): Promise<void> {
  const tmp = tempSibling(path);
  const untrack = trackTempPath(tmp);
  try {
    await writeFile(tmp, text);
    await rename(tmp, path);
    untrack();
  } catch (err) {
    await removeTempPath(tmp);
    throw err;
  }
}

/** A hidden, unique name next to `path` (same folder, so the final rename is atomic). */
export function tempSibling(path: string): string {
  return join(dirname(path), `.${basename(path)}.kiln-tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
}
