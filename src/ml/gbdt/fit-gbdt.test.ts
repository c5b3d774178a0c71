/** Behaviour of fitGbdt on small synthetic problems: each test names the property it pins down. */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.js';
import type { FeatureMatrix } from '../../runtime/feature-matrix.js';
import { createGbdtPredictor } from '../../runtime/gbdt/gbdt-predictor.js';
import { auc, meanNdcg } from './eval-metrics.js';
import { fitGbdt, trainGbdt } from './fit-gbdt.js';

function matrix(rows: number, cols: number, fill: (i: number, j: number) => number, categoryCounts?: number[]): FeatureMatrix {
  const data = new Float64Array(rows * cols);
  for (let j = 0; j < cols; j++) for (let i = 0; i < rows; i++) data[j * rows + i] = fill(i, j);
  return { rows, cols, data, names: Array.from({ length: cols }, (_, j) => `f${j}`), categoryCounts: Int32Array.from(categoryCounts ?? new Array<number>(cols).fill(0)) };
}

/** XOR of the signs of f0 and f1 with 5% label noise, plus noise features. */
function xorData(n: number, seed: number): { x: FeatureMatrix; y: Float64Array } {
  const rng = new Rng(seed);
  const vals = new Float64Array(n * 6).map(() => rng.normal());
  const x = matrix(n, 6, (i, j) => vals[i * 6 + j]);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = vals[i * 6] > 0 !== vals[i * 6 + 1] > 0 ? 1 : 0;
    if (rng.next() < 0.05) y[i] = 1 - y[i];
  }
  return { x, y };
}

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

describe('fitGbdt', () => {
  it('learns XOR (which no single split can) and runtime scores equal training scores exactly', async () => {
    const tr = xorData(4000, 1);
    const te = xorData(2000, 2);
    const { result, trainScores } = await trainGbdt(tr.x, tr.y, { params: { objective: 'binary', numTrees: 60, numThreads: 1 }, seed: 3 });
    const pred = createGbdtPredictor(result.state);
    expect(pred.link).toBe('sigmoid');
    expect(Array.from(pred.predictRaw(tr.x))).toEqual(Array.from(trainScores));
    const row = new Float64Array(6);
    const out = new Float64Array(1);
    for (let i = 0; i < 50; i++) {
      for (let j = 0; j < 6; j++) row[j] = tr.x.data[j * tr.x.rows + i];
      pred.predictRowRaw(row, out);
      expect(out[0]).toBe(trainScores[i]);
    }
    // Bayes AUC here is ~0.95 (5% flipped labels); a model missing the interaction sits near 0.5.
    expect(auc(pred.predictRaw(te.x), te.y)).toBeGreaterThan(0.93);
    expect(result.history.train.logloss.length).toBe(60);
    expect(result.importance.split[0] + result.importance.split[1]).toBeGreaterThan(result.importance.split[2] + result.importance.split[3]);
  });

  it('fits a monotone regression to within the noise', async () => {
    const n = 3000;
    const rng = new Rng(5);
    const xs = new Float64Array(n).map(() => rng.next() * 10);
    const x = matrix(n, 1, (i) => xs[i]);
    const y = xs.map((v) => Math.log1p(v) * 3 + rng.normal() * 0.1);
    const res = await fitGbdt(x, y, { params: { objective: 'regression', numTrees: 200, numThreads: 1 }, seed: 1 });
    const rmse = res.history.train.rmse.at(-1) as number;
    expect(rmse).toBeLessThan(0.12);
    const p = createGbdtPredictor(res.state);
    const grid = matrix(50, 1, (i) => i / 5 + 0.05);
    const g = p.predictRaw(grid);
    let inversions = 0;
    for (let i = 1; i < 50; i++) if (g[i] < g[i - 1] - 0.05) inversions++;
    expect(inversions).toBe(0);
  });

  it('learns the default direction of missing values', async () => {
    // Missing rows behave like large values: the model must send NaN to the high side.
    const n = 4000;
    const rng = new Rng(7);
    const xs = new Float64Array(n).map(() => rng.next());
    const missing = new Uint8Array(n).map(() => (rng.next() < 0.2 ? 1 : 0));
    const x = matrix(n, 1, (i) => (missing[i] ? NaN : xs[i]));
    const y = new Float64Array(n).map((_, i) => (missing[i] || xs[i] > 0.7 ? 5 : 0) + rng.normal() * 0.1);
    const res = await fitGbdt(x, y, { params: { objective: 'regression', numTrees: 50, numThreads: 1 }, seed: 1 });
    const p = createGbdtPredictor(res.state);
    const out = new Float64Array(1);
    p.predictRowRaw(Float64Array.of(NaN), out);
    expect(out[0]).toBeCloseTo(5, 0);
    p.predictRowRaw(Float64Array.of(0.1), out);
    expect(out[0]).toBeCloseTo(0, 0);
  });

  it('native categorical splits beat treating category codes as numbers', async () => {
    // 40 categories; a random half of them is "good". Codes carry no order, so numeric splits need
    // many cuts while one categorical partition captures the signal.
    const k = 40;
    const rng = new Rng(11);
    const good = new Uint8Array(k).map(() => (rng.next() < 0.5 ? 1 : 0));
    const make = (n: number): { c: Float64Array; y: Float64Array } => {
      const c = new Float64Array(n).map(() => rng.int(k));
      const y = c.map((v) => (rng.next() < (good[v] ? 0.8 : 0.2) ? 1 : 0));
      return { c, y };
    };
    const tr = make(3000);
    const te = make(3000);
    const params = { objective: 'binary' as const, numTrees: 5, maxLeaves: 4, numThreads: 1, minDataPerGroup: 20 };
    const cat = await fitGbdt(matrix(3000, 1, (i) => tr.c[i], [k]), tr.y, { params, seed: 1 });
    const num = await fitGbdt(matrix(3000, 1, (i) => tr.c[i]), tr.y, { params, seed: 1 });
    const aCat = auc(createGbdtPredictor(cat.state).predictRaw(matrix(3000, 1, (i) => te.c[i], [k])), te.y);
    const aNum = auc(createGbdtPredictor(num.state).predictRaw(matrix(3000, 1, (i) => te.c[i])), te.y);
    expect(aCat).toBeGreaterThan(0.77);
    expect(aCat).toBeGreaterThan(aNum + 0.05);
    // Unseen / out-of-range codes and NaN score without throwing.
    const out = new Float64Array(1);
    createGbdtPredictor(cat.state).predictRowRaw(Float64Array.of(99), out);
    expect(Number.isFinite(out[0])).toBe(true);
  });

  it('one-vs-rest categorical splits for few categories', async () => {
    const n = 2000;
    const x = matrix(n, 1, (i) => i % 3, [3]);
    const y = new Float64Array(n).map((_, i) => (i % 3 === 1 ? 10 : 0));
    const res = await fitGbdt(x, y, { params: { objective: 'regression', numTrees: 1, learningRate: 1, numThreads: 1, lambdaL2: 0 }, seed: 1 });
    const p = createGbdtPredictor(res.state).predictRaw(matrix(3, 1, (i) => i, [3]));
    expect(p[1]).toBeCloseTo(10, 1);
    expect(p[0]).toBeCloseTo(0, 1);
  });

  it('stops early and keeps the best iteration', async () => {
    const tr = xorData(600, 21);
    const va = xorData(600, 22);
    const seen: number[] = [];
    const res = await fitGbdt(tr.x, tr.y, {
      params: { objective: 'binary', numTrees: 400, learningRate: 0.3, earlyStoppingRounds: 10, numThreads: 1, minDataInLeaf: 2 },
      valid: va,
      seed: 1,
      onIteration: (it, m) => seen.push(m.valid?.logloss ?? NaN),
    });
    const vl = res.history.valid?.logloss as number[];
    expect(vl.length).toBeLessThan(400);
    expect(vl.length).toBe(res.bestIteration + 11);
    expect(seen).toEqual(vl);
    const bestLoss = Math.min(...vl);
    expect(vl[res.bestIteration]).toBe(bestLoss);
    // The kept model reproduces the best validation loss.
    const raw = createGbdtPredictor(res.state).predictRaw(va.x);
    let ll = 0;
    for (let i = 0; i < va.y.length; i++) {
      const p = sigmoid(raw[i]);
      ll -= va.y[i] ? Math.log(p) : Math.log(1 - p);
    }
    expect(ll / va.y.length).toBeCloseTo(bestLoss, 12);
    expect((res.state as unknown as { numTrees: number }).numTrees).toBe(res.bestIteration + 1);
  });

  it('records each round\'s train and valid AUC exactly as auc of that round\'s scores (bagging, column sampling)', async () => {
    const tr = xorData(3000, 23);
    const va = xorData(1000, 24);
    const params = { objective: 'binary' as const, numTrees: 6, subsample: 0.7, colsampleByTree: 0.8, earlyStoppingRounds: 0, numThreads: 1 };
    const full = await fitGbdt(tr.x, tr.y, { params, valid: va, seed: 4 });
    for (let t = 1; t <= 6; t++) {
      // The first t rounds of a seeded run are the whole of a t-tree run with the same seed.
      const run = await trainGbdt(tr.x, tr.y, { params: { ...params, numTrees: t }, valid: va, seed: 4 });
      expect(full.history.train.auc[t - 1]).toBe(auc(run.trainScores, tr.y));
      expect(full.history.valid?.auc[t - 1]).toBe(auc(createGbdtPredictor(run.result.state).predictRaw(va.x), va.y));
    }
  });

  it('is deterministic: same seed gives the same bytes with 1 and 2 threads, bagging and column sampling on', async () => {
    // 60k rows x 6 features: large leaves exceed PARALLEL_MIN_WORK, so the worker path really runs.
    const tr = xorData(60000, 31);
    const params = { objective: 'binary' as const, numTrees: 8, subsample: 0.7, colsampleByTree: 0.8 };
    const a = await fitGbdt(tr.x, tr.y, { params: { ...params, numThreads: 1 }, seed: 9 });
    const b = await fitGbdt(tr.x, tr.y, { params: { ...params, numThreads: 2 }, seed: 9 });
    const c = await fitGbdt(tr.x, tr.y, { params: { ...params, numThreads: 1 }, seed: 10 });
    expect(JSON.stringify(b.state)).toBe(JSON.stringify(a.state));
    expect(JSON.stringify(c.state)).not.toBe(JSON.stringify(a.state));
  });

  it('polling workers (the quiet-machine path: smaller shared jobs, gather on the pool) give the same bytes as 1 thread', async () => {
    // KILN_POOL_SPIN_US forces what the pool would pick on a quiet machine, whatever the test machine's load.
    const tr = xorData(60000, 33);
    process.env.KILN_POOL_SPIN_US = '1000';
    try {
      for (const subsample of [1, 0.7]) {
        const params = { objective: 'binary' as const, numTrees: 6, subsample };
        const a = await fitGbdt(tr.x, tr.y, { params: { ...params, numThreads: 1 }, seed: 5 });
        const b = await fitGbdt(tr.x, tr.y, { params: { ...params, numThreads: 2 }, seed: 5 });
        expect(JSON.stringify(b.state)).toBe(JSON.stringify(a.state));
      }
    } finally {
      delete process.env.KILN_POOL_SPIN_US;
    }
  });

  it('quantized gradients: same bytes with 1 and 2 threads, a different model than exact gradients, still learns XOR', async () => {
    const tr = xorData(60000, 31);
    const te = xorData(4000, 32);
    const params = { objective: 'binary' as const, numTrees: 8, subsample: 0.7, quantizedGradients: true };
    const a = await fitGbdt(tr.x, tr.y, { params: { ...params, numThreads: 1 }, seed: 9 });
    const b = await fitGbdt(tr.x, tr.y, { params: { ...params, numThreads: 2 }, seed: 9 });
    const exact = await fitGbdt(tr.x, tr.y, { params: { ...params, quantizedGradients: false, numThreads: 1 }, seed: 9 });
    expect(JSON.stringify(b.state)).toBe(JSON.stringify(a.state));
    expect(JSON.stringify(exact.state)).not.toBe(JSON.stringify(a.state));
    const yq = auc(createGbdtPredictor(a.state).predictRaw(te.x), te.y);
    const ye = auc(createGbdtPredictor(exact.state).predictRaw(te.x), te.y);
    expect(yq).toBeGreaterThan(0.9);
    expect(Math.abs(yq - ye)).toBeLessThan(0.01);
  });

  it('multiclass softmax: K trees per iteration, runtime equals training', async () => {
    const n = 3000;
    const rng = new Rng(41);
    const v = new Float64Array(n * 2).map(() => rng.normal());
    const x = matrix(n, 2, (i, j) => v[i * 2 + j]);
    const y = new Float64Array(n).map((_, i) => (v[i * 2] > 0.5 ? 2 : v[i * 2 + 1] > 0 ? 1 : 0));
    const { result, trainScores } = await trainGbdt(x, y, { params: { numTrees: 30, numThreads: 1 }, numClasses: 3, seed: 1 });
    const p = createGbdtPredictor(result.state);
    expect(p.outputs).toBe(3);
    expect(p.link).toBe('softmax');
    expect((result.state as unknown as { numTrees: number }).numTrees).toBe(90);
    expect(Array.from(p.predictRaw(x))).toEqual(Array.from(trainScores));
    expect(result.history.train.merror.at(-1)).toBeLessThan(0.02);
  });

  it('L1 regression refits leaves to medians and resists outliers', async () => {
    const n = 2000;
    const rng = new Rng(51);
    const xs = new Float64Array(n).map(() => rng.next());
    const x = matrix(n, 1, (i) => xs[i]);
    const y = xs.map((v, i) => (v > 0.5 ? 2 : 0) + (i % 10 === 0 ? 100 : 0));
    const res = await fitGbdt(x, y, { params: { objective: 'regression_l1', numTrees: 100, numThreads: 1 }, seed: 1 });
    const p = createGbdtPredictor(res.state).predictRaw(matrix(2, 1, (i) => (i === 0 ? 0.25 : 0.75)));
    expect(p[0]).toBeCloseTo(0, 1);
    expect(p[1]).toBeCloseTo(2, 1);
    const hub = await fitGbdt(x, y, { params: { objective: 'huber', huberDelta: 1, numTrees: 200, numThreads: 1 }, seed: 1 });
    const q = createGbdtPredictor(hub.state).predictRaw(matrix(2, 1, (i) => (i === 0 ? 0.25 : 0.75)));
    // Huber is pulled less than L2 would be (L2 mean is +10).
    expect(q[0]).toBeLessThan(2);
    expect(q[1]).toBeLessThan(4);
  });

  it('LambdaRank improves NDCG on a synthetic ranking set', async () => {
    const rng = new Rng(61);
    const queries = 150;
    const per = 20;
    const n = queries * per;
    const v = new Float64Array(n * 3).map(() => rng.normal());
    const x = matrix(n, 3, (i, j) => v[i * 3 + j]);
    const y = new Float64Array(n).map((_, i) => {
      const s = v[i * 3] + 0.5 * v[i * 3 + 1] + rng.normal() * 0.3;
      return s > 1.5 ? 3 : s > 0.8 ? 2 : s > 0 ? 1 : 0;
    });
    const groups = new Int32Array(n).map((_, i) => Math.floor(i / per));
    const res = await fitGbdt(x, y, { params: { objective: 'lambdarank', numTrees: 30, numThreads: 1, minDataInLeaf: 5 }, groups, seed: 1 });
    const qs = Int32Array.from({ length: queries + 1 }, (_, q) => q * per);
    const random = meanNdcg(new Float64Array(n).map(() => rng.next()), { y, outputs: 1, queryStart: qs }, 10);
    const trained = meanNdcg(createGbdtPredictor(res.state).predictRaw(x), { y, outputs: 1, queryStart: qs }, 10);
    expect(trained).toBeGreaterThan(random + 0.3);
    expect(trained).toBeGreaterThan(0.9);
    expect(res.history.train['ndcg@10'].at(-1)).toBeCloseTo(trained, 12);
  });

  it('scalePosWeight and sample weights shift predictions toward the weighted class', async () => {
    const tr = xorData(2000, 71);
    const base = await fitGbdt(tr.x, tr.y, { params: { objective: 'binary', numTrees: 10, numThreads: 1 }, seed: 1 });
    const spw = await fitGbdt(tr.x, tr.y, { params: { objective: 'binary', numTrees: 10, numThreads: 1, scalePosWeight: 4 }, seed: 1 });
    const w = tr.y.map((v) => (v === 1 ? 4 : 1));
    const sw = await fitGbdt(tr.x, tr.y, { params: { objective: 'binary', numTrees: 10, numThreads: 1 }, sampleWeight: w, seed: 1 });
    const mean = (s: typeof base): number => createGbdtPredictor(s.state).predictRaw(tr.x).reduce((a, b) => a + sigmoid(b), 0) / tr.y.length;
    expect(mean(spw)).toBeGreaterThan(mean(base) + 0.1);
    expect(JSON.stringify(sw.state)).toBe(JSON.stringify(spw.state));
  });

  it('rejects bad input with typed errors naming the field', async () => {
    const tr = xorData(100, 81);
    await expect(fitGbdt(tr.x, tr.y.subarray(0, 50), { params: {}, seed: 1 })).rejects.toMatchObject({ code: 'input', details: { field: 'y' } });
    await expect(fitGbdt(tr.x, tr.y.map(() => 2), { params: { objective: 'binary' }, seed: 1 })).rejects.toMatchObject({ code: 'input', details: { row: 0 } });
    await expect(fitGbdt(tr.x, tr.y, { params: { objective: 'multiclass' }, seed: 1 })).rejects.toMatchObject({ code: 'usage', details: { field: 'numClasses' } });
    await expect(fitGbdt(tr.x, tr.y, { params: { objective: 'lambdarank' }, seed: 1 })).rejects.toMatchObject({ code: 'usage', details: { field: 'groups' } });
    await expect(fitGbdt(tr.x, tr.y, { params: { evalMetric: 'accuracy' }, seed: 1 })).rejects.toMatchObject({ code: 'usage' });
  });
});
