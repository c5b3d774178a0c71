/**
 * GBDT benchmark (not a test): Kiln vs XGBoost 1.7 (and LightGBM 4 / scikit-learn HGB when the anchor
 * venv exists) in the same run on the anchors' synthetic set (or a CSV with a 0/1 label last), same
 * settings: 31 leaves (lossguide), 255 bins, eta 0.1, N rounds. Prints and writes bench/out/gbdt.json:
 * train time ratios, AUCs, batch predict throughput (the runtime predictor that `predictRecords` and
 * `kiln predict` call, the ml-side parallel scorer, and `Scorer.predictRecords` on record objects),
 * Kiln single-row p50/p99, 1- vs N-thread speedup, peak RSS and a per-phase profile of Kiln's training.
 *
 *   npx tsx bench/gbdt/run.ts [--rows 125000,1000000] [--csv FILE] [--trees 100] [--threads 2] [--no-single-thread]
 *        [--no-anchor] [--anchor-python VENV/bin/python | none]
 *
 * Needs /usr/bin/python3 with scikit-learn (data) and xgboost (anchor); without xgboost it runs Kiln
 * only and says the anchor is missing; without Python it generates a synthetic set in TypeScript.
 * LightGBM/sklearn run from `--anchor-python` (default bench/out/anchor-venv/bin/python, made by
 * ../shared/anchors/anchor-venv.sh bench/out/anchor-venv); when it is absent the bench says so.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng } from '../../src/core/rng.js';
import { auc } from '../../src/ml/gbdt/eval-metrics.js';
import { trainGbdt } from '../../src/ml/gbdt/fit-gbdt.js';
import { GbdtProfile } from '../../src/ml/gbdt/gbdt-profile.js';
import type { FeatureMatrix } from '../../src/runtime/feature-matrix.js';
import { createGbdtPredictor } from '../../src/runtime/gbdt/gbdt-predictor.js';
import { createParallelGbdtScorer } from '../../src/ml/gbdt/parallel-gbdt-scorer.js';
import { sealBundle } from '../../src/runtime/bundle.js';
import type { ModelState } from '../../src/runtime/bundle-types.js';
import { createScorer } from '../../src/runtime/scorer.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const OUT = join(HERE, '..', 'out');
const PY = '/usr/bin/python3';

function arg(name: string, def: string | undefined): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
}
/** Total rows (80% train); a comma list runs each size in turn, e.g. 125000,1000000 for 100k and 800k train rows. */
const rowSizes = (arg('rows', '1000000') as string).split(',').map(Number);
let rows = rowSizes[0];
const csv = arg('csv', undefined);
const trees = Number(arg('trees', '100'));
const threads = Number(arg('threads', '2'));
const singleThread = !process.argv.includes('--no-single-thread');
const withAnchor = !process.argv.includes('--no-anchor');
const anchorPython = arg('anchor-python', join(HERE, '..', 'out', 'anchor-venv', 'bin', 'python')) as string;
const peakRssMb = (): number => process.resourceUsage().maxRSS / 1024;

interface Split {
  xTrain: FeatureMatrix;
  yTrain: Float64Array;
  xTest: FeatureMatrix;
  yTest: Float64Array;
  source: string;
}

function readF32(file: string): Float32Array {
  const b = readFileSync(file);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

/** Row-major float32 file -> column-major FeatureMatrix. */
function toMatrix(flat: Float32Array, F: number): FeatureMatrix {
  const n = flat.length / F;
  const data = new Float64Array(n * F);
  for (let i = 0; i < n; i++) for (let f = 0; f < F; f++) data[f * n + i] = flat[i * F + f];
  return { rows: n, cols: F, data, names: Array.from({ length: F }, (_, f) => `f${f}`), categoryCounts: new Int32Array(F) };
}

function loadData(): Split {
  const dir = join(OUT, csv ? `gbdt-data-${basename(csv)}` : `gbdt-data-${rows}`);
  mkdirSync(dir, { recursive: true });
  try {
    execFileSync(PY, [join(HERE, 'prepare_data.py'), dir, '--rows', String(rows), ...(csv ? ['--csv', csv] : [])], { stdio: ['ignore', 'pipe', 'inherit'] });
  } catch {
    if (!existsSync(join(dir, 'meta.json'))) return syntheticInTs();
  }
  const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as { features: number; source: string };
  const F = meta.features;
  return {
    xTrain: toMatrix(readF32(join(dir, 'x_train.f32')), F),
    yTrain: Float64Array.from(readF32(join(dir, 'y_train.f32'))),
    xTest: toMatrix(readF32(join(dir, 'x_test.f32')), F),
    yTest: Float64Array.from(readF32(join(dir, 'y_test.f32'))),
    source: `${meta.source} (${dir})`,
  };
}

/** Fallback without Python: a noisy nonlinear 28-feature problem (not the anchor's data). */
function syntheticInTs(): Split {
  const F = 28;
  const rng = new Rng(42);
  const make = (n: number): { x: FeatureMatrix; y: Float64Array } => {
    const data = new Float64Array(n * F);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let f = 0; f < F; f++) {
        const v = rng.normal();
        data[f * n + i] = v;
        if (f < 20) s += (f % 2 ? Math.sin(v * 2) : v * v - 1) * (1 + (f % 3));
      }
      y[i] = s + rng.normal() * 3 > 0 ? 1 : 0;
    }
    return { x: { rows: n, cols: F, data, names: Array.from({ length: F }, (_, f) => `f${f}`), categoryCounts: new Int32Array(F) }, y };
  };
  const tr = make(Math.round(rows * 0.8));
  const te = make(rows - tr.x.rows);
  return { xTrain: tr.x, yTrain: tr.y, xTest: te.x, yTest: te.y, source: 'TypeScript fallback generator (python3 unavailable)' };
}

interface Anchor {
  lib?: string;
  train_s: number;
  auc: number;
  predict_rows_per_s: number;
  peak_rss_mb?: number;
}

function runAnchor(dir: string): Anchor | string {
  try {
    const out = execFileSync(PY, [join(HERE, 'xgboost_anchor.py'), dir, String(trees), String(threads)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return JSON.parse(out.trim().split('\n').at(-1) as string) as Anchor;
  } catch (err) {
    return `anchor missing: ${(err as Error).message.split('\n')[0]}`;
  }
}

/** LightGBM and sklearn HGB from the anchor venv, or a note saying why they did not run. */
function runVenvAnchors(dir: string): Anchor[] | string {
  if (anchorPython === 'none') return 'LightGBM/sklearn skipped (--anchor-python none)';
  if (!existsSync(anchorPython)) return `LightGBM/sklearn skipped: no anchor venv python at ${anchorPython} (make one with ../shared/anchors/anchor-venv.sh bench/out/anchor-venv)`;
  try {
    const out = execFileSync(anchorPython, [join(HERE, 'lightgbm_anchor.py'), dir, String(trees), String(threads)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return out.trim().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Anchor);
  } catch (err) {
    return `LightGBM/sklearn failed: ${(err as Error).message.split('\n')[0]}`;
  }
}

/** Median rows/s of three timed calls after one warm-up. */
async function rate(rows: number, fn: () => unknown): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let r = 0; r < 3; r++) {
    const t = performance.now();
    await fn();
    times.push((performance.now() - t) / 1000);
  }
  return rows / times.sort((a, b) => a - b)[1];
}

/** A minimal bundle (identity preprocessing over numeric inputs f0..) so `predictRecords` can be timed. */
function benchBundle(state: ModelState, F: number): ReturnType<typeof sealBundle> {
  const names = Array.from({ length: F }, (_, f) => `f${f}`);
  return sealBundle({
    format: 'kiln.model',
    formatVersion: 1,
    signature: { inputs: names.map((name) => ({ name, type: 'numeric', nullable: true })), target: 'y', task: 'binary', outputs: ['prediction', 'probability'] },
    preprocessing: [{ kind: 'features', names, categoryCounts: new Array<number>(F).fill(0) }],
    model: state,
    labels: ['0', '1'],
    metadata: { algo: 'gbdt', params: {}, metrics: {}, seed: 0, kilnVersion: 'bench', createdAt: new Date(0).toISOString() },
    baseline: { rows: 0, features: [] },
  });
}

function firstRows(m: FeatureMatrix, n: number): FeatureMatrix {
  const k = Math.min(n, m.rows);
  const data = new Float64Array(k * m.cols);
  for (let f = 0; f < m.cols; f++) data.set(m.data.subarray(f * m.rows, f * m.rows + k), f * k);
  return { ...m, rows: k, data };
}

async function kiln(d: Split, nThreads: number, withProfile: boolean): Promise<{ trainS: number; testAuc: number; state: object; profile?: GbdtProfile }> {
  const profile = withProfile ? new GbdtProfile() : undefined;
  const t0 = performance.now();
  const { result } = await trainGbdt(d.xTrain, d.yTrain, { params: { objective: 'binary', numTrees: trees, learningRate: 0.1, maxLeaves: 31, maxBins: 255, numThreads: nThreads, evalTrain: false }, seed: 0 }, profile);
  const trainS = (performance.now() - t0) / 1000;
  const testAuc = auc(createGbdtPredictor(result.state).predictRaw(d.xTest), d.yTest);
  return { trainS, testAuc, state: result.state, profile };
}

async function main() {
  mkdirSync(OUT, { recursive: true });
  const d = loadData();
  const dataDir = d.source.match(/\((.*)\)$/)?.[1];
  console.log(`data: ${d.source}; train ${d.xTrain.rows} x ${d.xTrain.cols}, test ${d.xTest.rows}; cores ${availableParallelism()}, load ${loadavg()[0].toFixed(2)}`);
  const anchor = !withAnchor ? 'anchor skipped (--no-anchor)' : dataDir ? runAnchor(dataDir) : 'anchor missing: no python data';
  console.log('xgboost:', anchor);
  const others = !withAnchor ? 'LightGBM/sklearn skipped (--no-anchor)' : dataDir ? runVenvAnchors(dataDir) : 'LightGBM/sklearn: no python data';
  console.log('lightgbm/sklearn:', others);
  const k = await kiln(d, threads, true);
  const kilnPeakRssMb = peakRssMb();
  console.log(`kiln ${threads} threads: train ${k.trainS.toFixed(2)} s, AUC ${k.testAuc.toFixed(4)}, peak RSS so far ${kilnPeakRssMb.toFixed(0)} MB`);
  const pred = createGbdtPredictor(k.state as Parameters<typeof createGbdtPredictor>[0]);
  const xp = firstRows(d.xTest, 200_000);
  // The runtime predictor: what Scorer.predict / predictRecords / `kiln predict` run (one thread).
  const predictRowsPerS = await rate(xp.rows, () => pred.predictRaw(xp));
  const par = await createParallelGbdtScorer(k.state as ModelState, threads);
  const parallelRowsPerS = await rate(xp.rows, () => par.predictRaw(xp));
  await par.close();
  // The whole record path users call: record objects -> frame -> pipeline -> predictor -> link.
  const scorer = createScorer(benchBundle(k.state as ModelState, xp.cols));
  const records = Array.from({ length: xp.rows }, (_, i) => Object.fromEntries(Array.from({ length: xp.cols }, (_, f) => [`f${f}`, xp.data[f * xp.rows + i]])));
  const recordsRowsPerS = await rate(records.length, () => scorer.predictRecords(records));
  console.log(`kiln predict ${xp.rows} rows: runtime ${predictRowsPerS.toFixed(0)} rows/s, parallel(${threads}) ${parallelRowsPerS.toFixed(0)} rows/s, predictRecords ${recordsRowsPerS.toFixed(0)} rows/s`);
  // Single-row scoring on a warmed predictor.
  const F = xp.cols;
  const row = new Float64Array(F);
  const out = new Float64Array(1);
  const lat: number[] = [];
  for (let i = 0; i < 22_000; i++) {
    const r = i % xp.rows;
    for (let f = 0; f < F; f++) row[f] = xp.data[f * xp.rows + r];
    const t = performance.now();
    pred.predictRowRaw(row, out);
    if (i >= 2000) lat.push((performance.now() - t) * 1000);
  }
  lat.sort((a, b) => a - b);
  const p50 = lat[Math.floor(lat.length * 0.5)];
  const p99 = lat[Math.floor(lat.length * 0.99)];
  let one: Awaited<ReturnType<typeof kiln>> | undefined;
  if (singleThread && threads > 1) {
    one = await kiln(d, 1, false);
    console.log(`kiln 1 thread: train ${one.trainS.toFixed(2)} s (same model bytes: ${JSON.stringify(one.state) === JSON.stringify(k.state)})`);
  }
  const a = typeof anchor === 'string' ? undefined : anchor;
  const venv = typeof others === 'string' ? [] : others;
  const fastest = [...(a ? [a] : []), ...venv].reduce<Anchor | undefined>((b, x) => (!b || x.train_s < b.train_s ? x : b), undefined);
  const result = {
    when: new Date().toISOString(),
    caveat: 'shared 2-core machine; timings are noisy — re-measure on a quiet machine',
    loadavg: loadavg()[0],
    data: d.source,
    trainRows: d.xTrain.rows,
    features: d.xTrain.cols,
    trees,
    threads,
    xgboost: a ?? anchor,
    lightgbmSklearn: others,
    kiln: {
      trainS: k.trainS,
      auc: k.testAuc,
      peakRssMb: kilnPeakRssMb,
      predictRowsPerS,
      parallelPredictRowsPerS: parallelRowsPerS,
      predictRecordsRowsPerS: recordsRowsPerS,
      singleRowP50Us: p50,
      singleRowP99Us: p99,
      trainS1Thread: one?.trainS,
      profileMs: k.profile?.ms,
    },
    ratios: {
      trainTimeKilnOverXgb: a ? k.trainS / a.train_s : undefined,
      trainTimeKilnOverFastestAnchor: fastest ? k.trainS / fastest.train_s : undefined,
      fastestAnchor: fastest ? (fastest.lib ?? 'xgboost') : undefined,
      aucKilnMinusXgb: a ? k.testAuc - a.auc : undefined,
      predictParallelOverXgb: a ? parallelRowsPerS / a.predict_rows_per_s : undefined,
      predictRuntime1ThreadOverXgb: a ? predictRowsPerS / a.predict_rows_per_s : undefined,
      predictRecordsOverXgb: a ? recordsRowsPerS / a.predict_rows_per_s : undefined,
      speedup1ToNThreads: one ? one.trainS / k.trainS : undefined,
    },
  };
  console.log(JSON.stringify(result, null, 2));
  if (typeof anchor === 'string') console.log(anchor);
  writeFileSync(join(OUT, `gbdt-${rows}.json`), JSON.stringify(result, null, 2) + '\n');
  return result;
}

const all = [];
for (const r of rowSizes) {
  rows = r;
  all.push(await main());
}
writeFileSync(join(OUT, 'gbdt.json'), JSON.stringify(all, null, 2) + '\n');
console.log('\nsummary (ratios; goals: train <= 1.0x fastest anchor (floor 1.5x), predict >= 1.0x XGBoost, 2 vs 1 threads >= 1.7x, single-row p50 < 10 us):');
for (const x of all) {
  const q = x.ratios;
  const f = (v: number | undefined, d = 2): string => (v === undefined ? 'n/a' : v.toFixed(d));
  console.log(`  ${x.trainRows} train rows: train ${f(q.trainTimeKilnOverXgb)}x XGBoost, ${f(q.trainTimeKilnOverFastestAnchor)}x fastest anchor (${q.fastestAnchor ?? 'n/a'}); AUC diff ${f(q.aucKilnMinusXgb, 5)}; predict parallel ${f(q.predictParallelOverXgb)}x, runtime 1-thread ${f(q.predictRuntime1ThreadOverXgb)}x, predictRecords ${f(q.predictRecordsOverXgb)}x XGBoost; threads speedup ${f(q.speedup1ToNThreads)}x; p50 ${f(x.kiln.singleRowP50Us, 1)} us; peak RSS kiln ${f(x.kiln.peakRssMb, 0)} MB`);
}
