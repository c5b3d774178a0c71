/**
 * `kiln batch` / `runBatch`: the same rows and columns as `kiln predict`, with and without worker
 * threads; resume after a real SIGKILL of a child process mid-run gives exactly the rows of an
 * uninterrupted run; a changed model or chunk size is refused instead of mixing runs; bad input.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, UsageError } from '../../core/errors.js';
import { frameToRecords } from '../../core/frame-builder.js';
import type { Frame } from '../../core/frame.js';
import { readFrame } from '../../data/io/read-frame.js';
import { trainModel } from '../../ml/train/train-model.js';
import { createScorer } from '../../runtime/scorer.js';
import { writeScoredChunks } from '../batch-predict.js';
import { batchWorkDir } from './batch-manifest.js';
import { runBatch } from './batch-run.js';

const REPO = resolve(import.meta.dirname, '../../..');
let dir = '';
let bundleText = '';
let modelPath = '';
let input = '';

function rows(n: number, seed: number): string {
  let s = seed;
  const rnd = (): number => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296);
  const cities = ['oslo', 'rome', 'lima', 'kyiv', 'pune'];
  const lines = ['x1,x2,city,target'];
  for (let i = 0; i < n; i++) {
    const x1 = rnd() * 10;
    const x2 = rnd() * 5;
    const city = cities[Math.floor(rnd() * 5)];
    lines.push(`${x1.toFixed(4)},${i % 97 === 0 ? '' : x2.toFixed(4)},${city},${x1 + x2 + (city === 'rome' ? 3 : 0) > 9 ? 'yes' : 'no'}`);
  }
  return `${lines.join('\n')}\n`;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kiln-batch-'));
  await writeFile(join(dir, 'train.csv'), rows(2000, 1));
  const trained = await trainModel(await readFrame(join(dir, 'train.csv')), { target: 'target', algo: 'gbdt', params: { numTrees: 20, numThreads: 1 }, kilnVersion: 'test', seed: 1 });
  bundleText = JSON.stringify(trained.bundle);
  modelPath = join(dir, 'model.json');
  await writeFile(modelPath, bundleText);
  input = join(dir, 'input.csv');
  await writeFile(input, rows(150_000, 2));
}, 120_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function reference(): Promise<Frame> {
  const out = join(dir, 'reference.parquet');
  if (!existsSync(out)) await writeScoredChunks(createScorer(bundleText), input, {}, out, { keepInputs: true });
  return readFrame(out);
}

function sameRows(a: Frame, b: Frame): void {
  expect(b.names).toEqual(a.names);
  expect(b.rowCount).toBe(a.rowCount);
  expect(frameToRecords(b)).toEqual(frameToRecords(a));
}

describe('runBatch', () => {
  it('writes the rows and columns of `kiln predict`, in order, in this thread and on worker threads', async () => {
    const ref = await reference();
    const out = join(dir, 'plain.parquet');
    const summary = await runBatch({ bundleText, modelSource: modelPath, input, output: out, chunkRows: 40_000 });
    expect(summary).toMatchObject({ rows: 150_000, chunks: 4, resumedChunks: 0, workers: 0 });
    expect(summary.columns).toEqual(['x1', 'x2', 'city', 'target', 'prediction', 'probability']);
    sameRows(ref, await readFrame(out));
    expect(existsSync(batchWorkDir(out))).toBe(false);
    const threaded = join(dir, 'threaded.parquet');
    const progress: number[] = [];
    const s2 = await runBatch({ bundleText, modelSource: modelPath, input, output: threaded, chunkRows: 20_000, workers: 2, onProgress: (n) => progress.push(n) });
    expect(s2).toMatchObject({ rows: 150_000, chunks: 8, workers: 2 });
    expect(Math.max(...progress)).toBe(150_000);
    sameRows(ref, await readFrame(threaded));
    const only = join(dir, 'only.parquet');
    expect((await runBatch({ bundleText, modelSource: modelPath, input, output: only, keepInputs: false })).columns).toEqual(['prediction', 'probability']);
  }, 120_000);

  it('resumes after a SIGKILL of a real child process: exactly the rows of an uninterrupted run', async () => {
    const out = join(dir, 'killed.parquet');
    const args = ['batch', '--model', modelPath, '--input', input, '--output', out, '--chunk', '2000', '--json'];
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', "import('./src/cli/main.ts').then(async (m) => process.exit(await m.runCli(process.argv.slice(1))))", '--', ...args], { cwd: REPO, env: { ...process.env, KILN_HOME: join(dir, 'home'), KILN_DATABASE_URL: '' }, stdio: 'ignore' });
    const work = batchWorkDir(out);
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    let finishedBeforeKill = false;
    for (;;) {
      const names = await readdir(work).catch(() => [] as string[]);
      if (names.filter((n) => /^chunk-\d+\.parquet$/.test(n)).length >= 5) break;
      if (child.exitCode !== null) {
        finishedBeforeKill = true;
        break;
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(finishedBeforeKill, 'the run finished before it could be killed: make the input larger').toBe(false);
    child.kill('SIGKILL');
    await exited;
    expect(existsSync(out)).toBe(false);
    const before = (await readdir(work)).filter((n) => /^chunk-\d+\.parquet$/.test(n)).length;
    expect(before).toBeGreaterThanOrEqual(5);
    expect(before).toBeLessThan(75);
    const summary = await runBatch({ bundleText, modelSource: modelPath, input, output: out, chunkRows: 2000 });
    expect(summary.resumedChunks).toBeGreaterThanOrEqual(before);
    expect(summary).toMatchObject({ rows: 150_000, chunks: 75 });
    sameRows(await reference(), await readFrame(out));
    expect(existsSync(work)).toBe(false);
  }, 180_000);

  it('refuses to resume with a different model or chunk size unless told to restart', async () => {
    const out = join(dir, 'conflict.parquet');
    const work = batchWorkDir(out);
    await rm(work, { recursive: true, force: true });
    // An unfinished run: a manifest and no chunk yet (as a kill right after start leaves it).
    const { batchIdentity, openBatchWorkDir } = await import('./batch-manifest.js');
    await openBatchWorkDir(work, await batchIdentity(bundleText, input, 5000, true, {}), false);
    await expect(runBatch({ bundleText, modelSource: modelPath, input, output: out, chunkRows: 7000 })).rejects.toBeInstanceOf(ConflictError);
    await expect(runBatch({ bundleText: bundleText.replace('"numTrees"', '"numTrees" '), modelSource: modelPath, input, output: out, chunkRows: 5000 })).rejects.toThrow(/different model/);
    expect((await runBatch({ bundleText, modelSource: modelPath, input, output: out, chunkRows: 7000, restart: true })).rows).toBe(150_000);
  }, 120_000);

  it('resumes a dataset input by its content hash even when its local copy moved', async () => {
    const out = join(dir, 'dataset.parquet');
    const work = batchWorkDir(out);
    const dataset = { name: 'scoring', version: 1, hash: 'ab'.repeat(32) };
    const { batchIdentity, openBatchWorkDir } = await import('./batch-manifest.js');
    await openBatchWorkDir(work, await batchIdentity(bundleText, join(dir, 'elsewhere.parquet'), 50_000, true, {}, dataset), false);
    const moved = join(dir, 'copy.csv');
    await writeFile(moved, await readFile(input));
    await expect(runBatch({ bundleText, modelSource: modelPath, input: moved, output: out, chunkRows: 50_000, dataset: { ...dataset, hash: 'cd'.repeat(32) } })).rejects.toThrow(/different input/);
    expect((await runBatch({ bundleText, modelSource: modelPath, input: moved, output: out, chunkRows: 50_000, dataset })).rows).toBe(150_000);
  }, 120_000);

  it('rejects bad options and inputs with typed errors, writing nothing', async () => {
    const out = join(dir, 'bad.parquet');
    const base = { bundleText, modelSource: modelPath, input, output: out };
    await expect(runBatch({ ...base, output: join(dir, 'bad.csv') })).rejects.toBeInstanceOf(UsageError);
    await expect(runBatch({ ...base, chunkRows: 0 })).rejects.toThrow(/--chunk/);
    await expect(runBatch({ ...base, workers: -1 })).rejects.toThrow(/--workers/);
    await expect(runBatch({ ...base, workers: 1.5 })).rejects.toThrow(/--workers/);
    await expect(runBatch({ ...base, bundleText: '{"not":"a bundle"}' })).rejects.toMatchObject({ code: 'input' });
    const clash = join(dir, 'clash.csv');
    await writeFile(clash, 'x1,x2,city,prediction\n1,2,oslo,3\n');
    await expect(runBatch({ ...base, input: clash })).rejects.toThrow(/prediction/);
    const empty = join(dir, 'empty.csv');
    await writeFile(empty, '');
    await expect(runBatch({ ...base, input: empty })).rejects.toMatchObject({ code: 'input' });
    const unseen = join(dir, 'unseen.csv');
    await writeFile(unseen, 'x1,x2,city\n1,2,paris\n');
    await expect(runBatch({ ...base, input: unseen, strictCategories: true })).rejects.toThrow(/never seen/);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(batchWorkDir(out))).toBe(false);
  });
});
