/**
 * End-to-end: interrupted commands leave no temp files. A real `kiln data register` (and `predict`)
 * on a big generated file is stopped with SIGTERM / SIGINT once its staging exists: everything under
 * `KILN_HOME/tmp` is gone. After kill -9 (which cannot be caught) the leftovers are swept by the next
 * command once they are stale and their process is dead, never while fresh.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readdir, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO, json, runKiln, tempDir } from './run-kiln.js';

const BIN = join(REPO, 'bin/kiln.js');

function startKiln(args: readonly string[], home: string): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], { env: { ...process.env, KILN_HOME: home, KILN_DATABASE_URL: '' }, stdio: 'ignore' });
}

async function kilnEntries(dir: string, pid?: number): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  return names.filter((n) => (pid === undefined ? /^kiln-/.test(n) : n.startsWith('kiln-') && n.includes(`-${pid}-`))).sort();
}

/** Poll until `dir` holds entries matching every prefix (the child is mid-work), or fail. */
async function waitForEntries(dir: string, prefixes: readonly string[], child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const names = await readdir(dir).catch(() => [] as string[]);
    if (prefixes.every((p) => names.some((n) => n.startsWith(p)))) return;
    if (child.exitCode !== null) throw new Error(`kiln exited (${child.exitCode}) before its temp files appeared`);
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`no ${prefixes.join(' + ')} in ${dir} after 30 s`);
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((done) => child.once('exit', (code, signal) => done({ code, signal })));
}

describe('kiln temp files under interruption', () => {
  let dir: string;
  let big: string;
  beforeAll(async () => {
    dir = await tempDir('kiln-e2e-tmp-');
    big = join(dir, 'big.csv');
    const out = createWriteStream(big);
    out.write('id,a,b,c,label\n');
    for (let i = 0; i < 600_000; i++) out.write(`${i},${(i * 7919) % 1000},${((i * 31) % 977) / 7},${['x', 'y', 'z'][i % 3]},${i % 2}\n`);
    await new Promise<void>((done, fail) => out.end((err?: Error | null) => (err ? fail(err) : done())));
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal} during register removes its staging from KILN_HOME/tmp`, async () => {
      const home = await tempDir();
      const child = startKiln(['data', 'register', big, '--name', 'big'], home);
      const done = exited(child);
      await waitForEntries(join(home, 'tmp'), ['kiln-register-', 'kiln-writer-'], child);
      child.kill(signal);
      expect((await done).signal).toBe(signal);
      expect(await kilnEntries(join(home, 'tmp'))).toEqual([]);
      expect(json<{ datasets: unknown[] }>(await runKiln(['data', 'list', '--json'], { home })).datasets).toEqual([]);
    });
  }

  it('SIGTERM during predict leaves no output, no temp sibling and no staging', async () => {
    const home = await tempDir();
    const train = join(dir, 'train.csv');
    await writeFile(train, `a,c,label\n${Array.from({ length: 200 }, (_, i) => `${i % 13},${['x', 'y', 'z'][i % 3]},${i % 2}`).join('\n')}\n`);
    const model = join(dir, 'm.kiln.json');
    expect((await runKiln(['train', '--data', train, '--target', 'label', '--out', model, '--params', '{"numTrees": 3}'], { home })).code).toBe(0);
    const outDir = await tempDir('kiln-e2e-predout-');
    const child = startKiln(['predict', '--model', model, '--data', big, '--out', join(outDir, 'p.csv')], home);
    const done = exited(child);
    // Without a store, predict stages in the system temp folder under its own pid.
    const deadline = Date.now() + 30_000;
    while ((await kilnEntries(tmpdir(), child.pid)).length === 0 && child.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    expect(await kilnEntries(tmpdir(), child.pid)).not.toEqual([]);
    child.kill('SIGTERM');
    expect((await done).signal).toBe('SIGTERM');
    expect(await kilnEntries(tmpdir(), child.pid)).toEqual([]);
    expect(await readdir(outDir)).toEqual([]);
  });

  it('kill -9 leftovers are kept while fresh and swept once stale', async () => {
    const home = await tempDir();
    const child = startKiln(['data', 'register', big, '--name', 'big'], home);
    const done = exited(child);
    const tmp = join(home, 'tmp');
    await waitForEntries(tmp, ['kiln-register-', 'kiln-writer-'], child);
    child.kill('SIGKILL');
    await done;
    const left = await kilnEntries(tmp);
    expect(left.length).toBeGreaterThanOrEqual(2);
    // A fresh leftover may belong to a process on another host sharing KILN_HOME: not swept yet.
    expect((await runKiln(['data', 'list'], { home })).code).toBe(0);
    expect(await kilnEntries(tmp)).toEqual(left);
    const anHourAgo = new Date(Date.now() - 3600_000);
    for (const name of left) await utimes(join(tmp, name), anHourAgo, anHourAgo);
    expect((await runKiln(['data', 'list'], { home })).code).toBe(0);
    expect(await kilnEntries(tmp)).toEqual([]);
  });
});
