/**
 * TrainingService through `openKiln` on a temp SQLite home: models from a dataset version and from a
 * Frame land in the artifact store and `metadata.trainedModels`; bad requests name their field; a run
 * leaves the event loop free, aborts promptly, and fails fast when a GBDT worker thread crashes.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { InternalError, UsageError } from '../core/errors.js';
import { Frame } from '../core/frame.js';
import { collectArtifactReferences } from '../data/artifacts/artifact-references.js';
import type { Kiln } from '../kiln.js';
import { openKiln } from '../kiln.js';
import { parseBundle } from '../runtime/bundle.js';

const TELCO = 'test/fixtures/telco-churn.csv';

/** y = [x0 + x1 > 1] on a deterministic grid; `rows` x 8 numeric columns. */
function synthetic(rows: number): Frame {
  const cols = Array.from({ length: 8 }, (_, j) => {
    const values = new Float64Array(rows);
    for (let i = 0; i < rows; i++) values[i] = ((i * (j + 3) * 2654435761) % 1000) / 1000;
    return { name: `f${j}`, type: 'numeric' as const, values };
  });
  const y = new Float64Array(rows);
  for (let i = 0; i < rows; i++) y[i] = cols[0].values[i] + cols[1].values[i] > 1 ? 1 : 0;
  return new Frame([...cols, { name: 'y', type: 'numeric', values: y }]);
}

let kiln: Kiln;
let home: string;
beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'kiln-training-'));
  kiln = await openKiln({ home, databaseUrl: `sqlite:${join(home, 'kiln.db')}`, artifactsUrl: join(home, 'artifacts') });
});
afterAll(async () => {
  await kiln.close();
  await rm(home, { recursive: true, force: true });
});
afterEach(() => {
  delete process.env.KILN_TEST_POOL_WORKER_CRASH;
});

describe('TrainingService', () => {
  it('trains from a dataset version, stores the bundle and records the model; out gets the same bytes', async () => {
    const reg = await kiln.datasets.register(TELCO, 'telco');
    const out = join(home, 'copy', 'churn.kiln.json');
    const stages: string[] = [];
    const res = await kiln.training.train(
      { data: { dataset: 'telco@latest' }, target: 'Churn', exclude: ['customerID'], params: { numTrees: 20 }, out },
      { onStage: (s) => stages.push(s) },
    );
    expect(stages).toEqual(['split', 'preprocessing', 'training', 'evaluation']);
    expect(res.model).toMatchObject({ algorithm: 'gbdt', task: 'binary', target: 'Churn', sourceKind: 'dataset', dataset: { name: 'telco', version: reg.version, hash: reg.hash } });
    expect(res.model.params).toMatchObject({ numTrees: 20 });
    expect(res.metrics.roc_auc).toBeGreaterThan(0.8);
    expect(res.model.metrics.roc_auc).toBe(res.metrics.roc_auc);
    const stored = await kiln.artifacts.get(res.model.artifactHash);
    expect(Buffer.from(stored).equals(await readFile(out))).toBe(true);
    expect(parseBundle(Buffer.from(stored).toString('utf8')).checksum).toBe(res.checksum);
    expect(await kiln.training.get(res.model.id)).toEqual(res.model);
    expect((await kiln.training.list()).items.map((m) => m.id)).toContain(res.model.id);
    // gc keeps the bundle: it is in the live set of artifact references.
    expect(await collectArtifactReferences(kiln.artifactReferences)).toContain(res.model.artifactHash);
  });

  it('trains from a Frame (the caller keeps its Frame)', async () => {
    const frame = synthetic(2000);
    const res = await kiln.training.train({ data: { frame }, target: 'y', algo: 'logistic' });
    expect(res.model).toMatchObject({ sourceKind: 'frame', dataset: null, algorithm: 'logistic' });
    expect(frame.column('f0').type).toBe('numeric');
    expect((frame.column('f0') as { values: Float64Array }).values.length).toBe(2000);
  });

  it('accepts only references as a dataset (never a server path) and names the offending field', async () => {
    const cases: [Parameters<Kiln['training']['train']>[0], string][] = [
      [{ data: { dataset: TELCO }, target: 'Churn' }, 'dataset'],
      [{ data: { dataset: '/etc/passwd' }, target: 'Churn' }, 'dataset'],
      [{ data: { frame: synthetic(100) }, target: '' }, 'target'],
      [{ data: { frame: synthetic(100) }, target: 'nope' }, 'target'],
      [{ data: { frame: synthetic(100) }, target: 'y', params: { numTree: 5 } }, 'params'],
      [{ data: { frame: synthetic(100) }, target: 'y', task: 'clustering' as 'binary' }, 'task'],
      [{ data: { frame: synthetic(100) }, target: 'y', testFraction: 2 }, 'testFraction'],
      [{ data: { frame: synthetic(100) }, target: 'y', algo: 'svm' }, 'algo'],
    ];
    for (const [request, field] of cases) {
      const err = await kiln.training.train(request).catch((e: unknown) => e);
      expect(err, field).toMatchObject({ details: { field } });
      expect((err as Error).message, field).not.toMatch(/--/);
    }
    await expect(kiln.training.train({ data: { dataset: 'nope@1' }, target: 'y' })).rejects.toMatchObject({ code: 'not_found' });
  });

  it('refuses an out that is the training file, leaving it intact', async () => {
    const file = join(home, 'data.csv');
    const text = 'x,y\n' + Array.from({ length: 50 }, (_, i) => `${i},${i % 2}`).join('\n') + '\n';
    await writeFile(file, text);
    const err = await kiln.training.train({ data: { file }, target: 'y', out: join(home, '.', 'data.csv') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).details.field).toBe('out');
    expect(await readFile(file, 'utf8')).toBe(text);
  });

  it('keeps the event loop free and aborts promptly', async () => {
    const controller = new AbortController();
    let maxGap = 0;
    let last = Date.now();
    const timer = setInterval(() => {
      maxGap = Math.max(maxGap, Date.now() - last);
      last = Date.now();
    }, 10);
    let iterations = 0;
    let abortedAt = 0;
    const before = (await kiln.training.list()).items.length;
    const run = kiln.training.train(
      { data: { frame: synthetic(40_000) }, target: 'y', params: { numTrees: 100_000, earlyStoppingRounds: 0, learningRate: 0.01 } },
      {
        signal: controller.signal,
        onIteration: () => {
          if (++iterations === 20) {
            abortedAt = Date.now();
            controller.abort();
          }
        },
      },
    );
    const err = await run.catch((e: unknown) => e);
    const settled = Date.now() - abortedAt;
    clearInterval(timer);
    expect((err as Error).name).toBe('AbortError');
    expect(settled).toBeLessThan(1000);
    expect(iterations).toBeGreaterThanOrEqual(20);
    // Training ran in a worker: the timer kept firing (generous bound for a loaded CI machine).
    expect(maxGap).toBeLessThan(500);
    expect((await kiln.training.list()).items.length).toBe(before);
  });

  it('fails fast with a clear error when a GBDT worker thread crashes', async () => {
    process.env.KILN_TEST_POOL_WORKER_CRASH = 'exit:5';
    // Timed from the start of boosting, so a slow worker start on a busy machine does not count.
    let boosting = 0;
    const err = await kiln.training
      .train({ data: { frame: synthetic(60_000) }, target: 'y', params: { numTrees: 50, numThreads: 2 } }, { onStage: (s) => void (s === 'training' && (boosting = Date.now())) })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InternalError);
    expect((err as Error).message).toMatch(/worker thread exited during parallel training/);
    expect(boosting).toBeGreaterThan(0);
    expect(Date.now() - boosting).toBeLessThan(3000);
  });
});
