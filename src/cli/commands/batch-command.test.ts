/**
 * `kiln batch` through the real command tree (in-process): a registered dataset version as input (same
 * rows as scoring its file, and `--async` as a batch-inference job registering its output), typed usage
 * errors and exit codes.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { frameToRecords } from '../../core/frame-builder.js';
import { readFrame } from '../../data/io/read-frame.js';
import { openKiln } from '../../kiln.js';
import { trainModel } from '../../ml/train/train-model.js';
import { runBatch } from '../../serving/batch/batch-run.js';
import { runCli } from '../main.js';

let dir = '';
const io = (): { out: string[]; err: string[]; io: { out: (s: string) => void; err: (s: string) => void; isTty: boolean } } => {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (s) => out.push(s), err: (s) => err.push(s), isTty: false } };
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kiln-batch-cli-'));
  await writeFile(join(dir, 'in.csv'), 'a,b\n1,2\n');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('kiln batch --input NAME@VERSION', () => {
  it('scores a registered dataset version like its file', async () => {
    const lines = ['x1,city,target'];
    for (let i = 0; i < 3000; i++) lines.push(`${(i * 7919) % 1000},${['a', 'b', 'c'][i % 3]},${((i * 7919) % 1000) + (i % 3) * 300 > 700 ? 'yes' : 'no'}`);
    const small = join(dir, 'small.csv');
    await writeFile(small, `${lines.join('\n')}\n`);
    const trained = await trainModel(await readFrame(small), { target: 'target', algo: 'gbdt', params: { numTrees: 10, numThreads: 1 }, kilnVersion: 'test', seed: 1 });
    const bundleText = JSON.stringify(trained.bundle);
    const modelPath = join(dir, 'model.json');
    await writeFile(modelPath, bundleText);
    const home = join(dir, 'home');
    const kiln = await openKiln({ home, databaseUrl: undefined });
    try {
      await kiln.datasets.register(small, 'scoring');
    } finally {
      await kiln.close();
    }
    const saved = { home: process.env.KILN_HOME, db: process.env.KILN_DATABASE_URL };
    process.env.KILN_HOME = home;
    process.env.KILN_DATABASE_URL = '';
    try {
      const c = io();
      const output = join(dir, 'from-dataset.parquet');
      expect(await runCli(['batch', '--model', modelPath, '--input', 'scoring@1', '--output', output, '--chunk', '1000', '--json'], c.io)).toBe(0);
      expect(JSON.parse(c.out.join(''))).toMatchObject({ rows: 3000, chunks: 3, resumedChunks: 0, columns: ['x1', 'city', 'target', 'prediction', 'probability'] });
      const direct = join(dir, 'from-file.parquet');
      await runBatch({ bundleText, modelSource: modelPath, input: small, output: direct });
      expect(frameToRecords(await readFrame(output))).toEqual(frameToRecords(await readFrame(direct)));
      // --async: the same scoring as a batch-inference job, output registered as a dataset version.
      const k1 = await openKiln({ home, databaseUrl: undefined });
      await k1.registry.registerVersion({ name: 'churn', bytes: Buffer.from(bundleText), format: 'kiln-bundle' }).finally(() => k1.close());
      const refused = io();
      expect(await runCli(['batch', '--model', 'churn@1', '--input', 'scoring@1', '--output', output, '--async'], refused.io)).toBe(2);
      expect(refused.err.join('')).toMatch(/--output names a local file/);
      const submitted = io();
      expect(await runCli(['batch', '--model', 'churn@1', '--input', 'scoring@1', '--async', '--output-dataset', 'scored', '--chunk', '1000', '--json'], submitted.io), submitted.err.join('')).toBe(0);
      const { job } = JSON.parse(submitted.out.join('')) as { job: { id: string; status: string } };
      expect(job.status).toBe('queued');
      const k2 = await openKiln({ home, databaseUrl: undefined });
      try {
        await k2.jobs.start();
        const done = await k2.jobs.wait(job.id);
        expect(done.error).toBeNull();
        expect(done.result).toMatchObject({ rows: 3000, chunks: 3, model: 'churn@1', dataset: { name: 'scored', version: 1 } });
        const scored = await k2.datasets.resolveReference('scored@1');
        expect(frameToRecords(await readFrame(scored.path, scored.readOptions))).toEqual(frameToRecords(await readFrame(direct)));
      } finally {
        await k2.close();
      }
    } finally {
      // Assigning undefined to process.env stores the string "undefined": delete instead.
      if (saved.home === undefined) delete process.env.KILN_HOME;
      else process.env.KILN_HOME = saved.home;
      if (saved.db === undefined) delete process.env.KILN_DATABASE_URL;
      else process.env.KILN_DATABASE_URL = saved.db;
    }
  }, 120_000);
});

describe('kiln batch flags', () => {
  it('exits 2 with a typed error for bad --chunk / --workers, a missing model and an unknown registry reference', async () => {
    const base = ['batch', '--input', join(dir, 'in.csv'), '--output', join(dir, 'out.parquet'), '--json'];
    // A registry reference opens the store: keep it in the test's folder.
    const savedHome = process.env.KILN_HOME;
    process.env.KILN_HOME = join(dir, 'flags-home');
    for (const [extra, pattern] of [
      [['--model', join(dir, 'missing-model.json'), '--chunk', 'abc'], /--chunk must be a positive integer/],
      [['--model', join(dir, 'missing-model.json'), '--chunk', '0'], /--chunk must be a positive integer/],
      [['--model', join(dir, 'missing-model.json'), '--workers', '-1'], /--workers must be a non-negative integer/],
      [['--model', join(dir, 'missing-model.json')], /model bundle not found/],
      [['--model', 'churn@champion'], /churn/],
      [['--model', join(dir, 'model.onnx')], /model file not found/],
    ] as const) {
      const c = io();
      const code = await runCli([...base, ...extra], c.io);
      expect(code, c.out.join('') + c.err.join('')).toBe(2);
      expect(c.out.join('') + c.err.join('')).toMatch(pattern);
    }
    if (savedHome === undefined) delete process.env.KILN_HOME;
    else process.env.KILN_HOME = savedHome;
  });

  it('exits 2 for a bundle that is not a model, leaving no output', async () => {
    await writeFile(join(dir, 'bad.json'), '{"format": "nope"}');
    const c = io();
    expect(await runCli(['batch', '--model', join(dir, 'bad.json'), '--input', join(dir, 'in.csv'), '--output', join(dir, 'out.parquet')], c.io)).toBe(2);
    const { existsSync } = await import('node:fs');
    expect(existsSync(join(dir, 'out.parquet'))).toBe(false);
    expect(existsSync(join(dir, 'out.parquet.kiln-batch'))).toBe(false);
  });
});
