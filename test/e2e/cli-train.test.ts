/**
 * End-to-end: `kiln train` and `kiln predict` through the real CLI on real data, and the training
 * layer's bad-input cases (exit 2 with a clear message).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { json, runKiln, tempDir } from './run-kiln.js';

const TELCO = 'test/fixtures/telco-churn.csv';
const HOUSING = 'test/fixtures/california-housing.csv';

interface TrainDoc {
  task: string;
  algo: string;
  metrics: Record<string, number>;
  model: string;
  bestIteration: number | null;
}

describe('kiln train / predict', () => {
  let home: string;
  let dir: string;
  beforeAll(async () => {
    home = await tempDir();
    dir = await tempDir('kiln-e2e-train-');
  });

  it('trains a strong default GBDT on telco churn and scores with the documented columns', async () => {
    const model = join(dir, 'churn.kiln.json');
    const run = await runKiln(['train', '--data', TELCO, '--target', 'Churn', '--exclude', 'customerID', '--out', model, '--json'], { home });
    expect(run.code, run.stderr).toBe(0);
    const doc = json<TrainDoc>(run);
    expect(doc.task).toBe('binary');
    expect(doc.algo).toBe('gbdt');
    expect(doc.model).toBe(model);
    expect(doc.metrics.roc_auc).toBeGreaterThan(0.82);
    expect(doc.bestIteration).toBeGreaterThan(0);

    const out = join(dir, 'scored.csv');
    const p = await runKiln(['predict', '--model', model, '--data', TELCO, '--out', out], { home });
    expect(p.code, p.stderr).toBe(0);
    const lines = (await readFile(out, 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(7044);
    const header = lines[0].split(',');
    expect(header.slice(0, 2)).toEqual(['customerID', 'gender']);
    expect(header.slice(-2)).toEqual(['prediction', 'probability']);
    const only = join(dir, 'only.csv');
    await runKiln(['predict', '--model', model, '--data', TELCO, '--out', only, '--only-predictions'], { home });
    expect((await readFile(only, 'utf8')).split('\n')[0]).toBe('prediction,probability');
  });

  it('records every run as a trained model in the store; NAME@VERSION data is recorded by reference', async () => {
    expect((await runKiln(['data', 'register', TELCO, '--name', 'telco'], { home })).code).toBe(0);
    const model = join(dir, 'ref.kiln.json');
    const run = await runKiln(['train', '--data', 'telco@1', '--target', 'Churn', '--exclude', 'customerID', '--params', '{"numTrees": 20}', '--out', model, '--json'], { home });
    expect(run.code, run.stderr).toBe(0);
    const doc = json<TrainDoc & { id: string; artifact: string }>(run);
    expect(doc.id).toMatch(/^[0-9a-f-]{36}$/);
    // The copy in --out is byte-identical to the stored artifact (content-addressed by its sha256).
    const { createHash } = await import('node:crypto');
    expect(createHash('sha256').update(await readFile(model)).digest('hex')).toBe(doc.artifact);
    const text = await runKiln(['train', '--data', 'telco@latest', '--target', 'Churn', '--algo', 'logistic', '--out', join(dir, 'ref2.json')], { home });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/recorded as trained model [0-9a-f-]{36} \(artifact [0-9a-f]{64}\)/);
  });

  it('trains linear models and cross-validates', async () => {
    const run = await runKiln(['train', '--data', TELCO, '--target', 'Churn', '--exclude', 'customerID', '--algo', 'logistic', '--cv', '3', '--out', join(dir, 'lr.json'), '--json'], { home });
    expect(run.code, run.stderr).toBe(0);
    const doc = json<TrainDoc & { cv: { folds: unknown[]; mean: Record<string, number> } }>(run);
    expect(doc.metrics.roc_auc).toBeGreaterThan(0.82);
    expect(doc.cv.folds).toHaveLength(3);
    expect(doc.cv.mean.roc_auc).toBeGreaterThan(0.8);
  });

  it('regression on california housing, predictions as one column', async () => {
    const model = join(dir, 'housing.json');
    const run = await runKiln(['train', '--data', HOUSING, '--target', 'median_house_value', '--out', model, '--json', '--params', '{"numTrees": 200}'], { home });
    expect(run.code, run.stderr).toBe(0);
    const doc = json<TrainDoc>(run);
    expect(doc.task).toBe('regression');
    expect(doc.metrics.rmse).toBeLessThan(60_000);
    const out = join(dir, 'h.parquet');
    const p = await runKiln(['predict', '--model', model, '--data', HOUSING, '--out', out, '--only-predictions', '--json'], { home });
    expect(p.code, p.stderr).toBe(0);
    expect(json<{ rows: number; columns: string[] }>(p)).toMatchObject({ rows: 20640, columns: ['prediction'] });
  });
});

describe('kiln train (bad input: exit 2)', () => {
  let home: string;
  let dir: string;
  beforeAll(async () => {
    home = await tempDir();
    dir = await tempDir('kiln-e2e-trainbad-');
  });
  const write = async (name: string, content: string): Promise<string> => {
    const p = join(dir, name);
    await writeFile(p, content);
    return p;
  };
  const rows = (n: number, f: (i: number) => string): string => Array.from({ length: n }, (_, i) => f(i)).join('\n');
  async function expectTrainFails(args: string[], pattern: RegExp): Promise<void> {
    const run = await runKiln(['train', ...args, '--out', join(dir, 'm.json')], { home });
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(2);
    expect(run.stderr).toMatch(pattern);
  }

  it('target column missing', async () => {
    await expectTrainFails(['--data', TELCO, '--target', 'Nope'], /target column "Nope" not found/);
  });
  it('constant target', async () => {
    const p = await write('const.csv', `x,y\n${rows(50, (i) => `${i},1`)}\n`);
    await expectTrainFails(['--data', p, '--target', 'y'], /constant/);
  });
  it('one class only for a binary task', async () => {
    const p = await write('one.csv', `x,y\n${rows(50, (i) => `${i},yes`)}\n`);
    await expectTrainFails(['--data', p, '--target', 'y', '--task', 'binary'], /constant|one class|two classes/);
  });
  it('NaN / Infinity in the target', async () => {
    const p = await write('inf.csv', `x,y\n${rows(50, (i) => `${i},${i === 7 ? 'inf' : i * 1.5}`)}\n`);
    await expectTrainFails(['--data', p, '--target', 'y'], /row 8|non-finite|missing|y/);
  });
  it('a column that is all missing is left out with a warning', async () => {
    const p = await write('allmissing.csv', `x,empty,y\n${rows(200, (i) => `${i},,${i % 2 ? 'a' : 'b'}`)}\n`);
    const run = await runKiln(['train', '--data', p, '--target', 'y', '--out', join(dir, 'am.json'), '--json'], { home });
    expect(run.code, run.stderr).toBe(0);
    expect(json<{ warnings: string[] }>(run).warnings).toEqual([expect.stringMatching(/"empty" is missing in every row/)]);
  });
  it('a 1-row dataset', async () => {
    const p = await write('onerow.csv', 'x,y\n1,2\n');
    await expectTrainFails(['--data', p, '--target', 'y'], /at least|rows/);
  });
  it('invalid params: unknown keys and out-of-range values', async () => {
    await expectTrainFails(['--data', TELCO, '--target', 'Churn', '--params', '{"numTree": 10}'], /numTree/);
    await expectTrainFails(['--data', TELCO, '--target', 'Churn', '--params', '{"learningRate": -1}'], /learningRate/);
    await expectTrainFails(['--data', TELCO, '--target', 'Churn', '--params', 'not json'], /--params/);
  });
  it('a 10,000-column dataset trains or is refused clearly', async () => {
    const header = [...Array.from({ length: 10_000 }, (_, j) => `f${j}`), 'y'].join(',');
    const body = rows(60, (i) => [...Array.from({ length: 10_000 }, (_, j) => ((i * 31 + j * 17) % 97) / 97), i % 2].join(','));
    const p = await write('wide.csv', `${header}\n${body}\n`);
    const run = await runKiln(['train', '--data', p, '--target', 'y', '--out', join(dir, 'wide.json'), '--json', '--params', '{"numTrees": 5}'], { home });
    expect(run.code, run.stderr).toBe(0);
  });
  it('mismatched columns, wrong types and unseen categories at predict time', async () => {
    const train = await write('t.csv', `x,color,y\n${rows(300, (i) => `${i % 17},${['red', 'green', 'blue'][i % 3]},${(i % 17) + (i % 3) > 9 ? 'a' : 'b'}`)}\n`);
    const model = join(dir, 'tm.json');
    expect((await runKiln(['train', '--data', train, '--target', 'y', '--out', model], { home })).code).toBe(0);
    const missingCol = await write('p1.csv', 'x\n1\n2\n');
    const r1 = await runKiln(['predict', '--model', model, '--data', missingCol, '--out', join(dir, 'o1.csv')], { home });
    expect(r1.code).toBe(2);
    expect(r1.stderr).toMatch(/color/);
    const wrongType = await write('p2.csv', 'x,color\nabc,red\n');
    const r2 = await runKiln(['predict', '--model', model, '--data', wrongType, '--out', join(dir, 'o2.csv'), '--types', 'x:text'], { home });
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/"?x"?/);
    const unseen = await write('p3.csv', 'x,color\n1,purple\n2,red\n');
    // Unseen categories are scored as missing values with a warning (and counted in --json) ...
    const r3 = await runKiln(['predict', '--model', model, '--data', unseen, '--out', join(dir, 'o3.csv')], { home });
    expect(r3.code, r3.stderr).toBe(0);
    expect(r3.stderr).toMatch(/1 row\(s\) have categories of "color" never seen in training/);
    const r3j = await runKiln(['predict', '--model', model, '--data', unseen, '--out', join(dir, 'o3.csv'), '--json'], { home });
    expect(json<{ unseenCategories: Record<string, number> }>(r3j).unseenCategories).toEqual({ color: 1 });
    // ... or refused with --strict-categories, naming the column and an example value.
    const r4 = await runKiln(['predict', '--model', model, '--data', unseen, '--out', join(dir, 'o4.csv'), '--strict-categories'], { home });
    expect(r4.code).toBe(2);
    expect(r4.stderr).toMatch(/column "color" has 1 value\(s\) never seen in training \(e\.g\. "purple"\)/);
  });
  it('errors name the flags, not the library fields', async () => {
    await expectTrainFails(['--data', TELCO, '--target', 'Churn', '--test-frac', '2'], /--test-frac must be in \(0, 1\)/);
    await expectTrainFails(['--data', TELCO, '--target', 'Churn', '--params', '{"numTree": 5}'], /--params: unknown gbdt parameter "numTree"/);
    await expectTrainFails(['--data', TELCO, '--target', 'Churn', '--positive-class', 'Maybe'], /--positive-class "Maybe" is not a value/);
  });
  it('refuses an --out that is the training file, which stays intact', async () => {
    const p = await write('self.csv', `x,y\n${rows(50, (i) => `${i},${i % 2}`)}\n`);
    const before = await readFile(p, 'utf8');
    const run = await runKiln(['train', '--data', p, '--target', 'y', '--out', p], { home });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--out .* would overwrite the input/);
    expect(await readFile(p, 'utf8')).toBe(before);
  });
  it('an --out folder is exit 2', async () => {
    const run = await runKiln(['train', '--data', TELCO, '--target', 'Churn', '--out', dir], { home });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--out .* is a folder; pass a file path/);
  });
  it('a malformed KILN_MEMORY_BUDGET is exit 2 naming the variable', async () => {
    const run = await runKiln(['train', '--data', TELCO, '--target', 'Churn', '--out', join(dir, 'mb.json')], { home, env: { KILN_MEMORY_BUDGET: '4 gigs' } });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/KILN_MEMORY_BUDGET must be a size such as 4GiB/);
  });
  it('a corrupted bundle is refused', async () => {
    const bad = await write('bad.json', '{"format":"kiln.model","formatVersion":1}');
    const r = await runKiln(['predict', '--model', bad, '--data', TELCO, '--out', join(dir, 'x.csv')], { home });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/missing|checksum/);
  });
});
