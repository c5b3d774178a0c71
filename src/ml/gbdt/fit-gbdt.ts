/**
 * `fitGbdt`: histogram gradient boosting (LightGBM-style leaf-wise trees) over a FeatureMatrix. Bins the
 * features once, then per iteration computes gradients, grows one tree per output on the (bagged) rows,
 * updates train/valid scores, records metrics and stops early on the validation set, keeping the best
 * iteration. Async because histogram building may run on worker threads.
 */
import { sharedBuffer } from '../parallel/shared-buffer.js';
import { availableParallelism } from 'node:os';
import { InputError, UsageError } from '../../core/errors.js';
import { Rng } from '../../core/rng.js';
import type { ModelState } from '../../runtime/bundle-types.js';
import type { FeatureMatrix } from '../../runtime/feature-matrix.js';
import { binMatrix, fitBinLayout } from './bin-mapper.js';
import { BucketedAuc } from './auc-metric.js';
import { checkMetricName, evaluateMetric, metricHigherIsBetter } from './eval-metrics.js';
import type { MetricTarget } from './eval-metrics.js';
import { parseGbdtParams } from './gbdt-params.js';
import type { GbdtObjective, GbdtParams } from './gbdt-params.js';
import { GbdtModelBuilder } from './gbdt-model-builder.js';
import type { GbdtProfile } from './gbdt-profile.js';
import { orderedStride } from './histogram-kernel.js';
import type { HistogramInputs } from './histogram-kernel.js';
import { OBJECTIVES } from './objectives/objective-registry.js';
import { PARALLEL_MIN_WORK, ParallelHistogramBuilder, SerialHistogramBuilder } from './parallel-histogram-builder.js';
import { GradientQuantizer } from './gradient-quantizer.js';
import { TreeGrower } from './tree-grower.js';
import { fillSourceBins, sourceGradients } from './leaf-ordered-rows.js';
import { allocateOrderedBuffers } from './ordered-buffers.js';
import type { PartitionRunner } from './leaf-ordered-rows.js';
import { createPartitionBuffers } from './partition-kernel.js';
import type { PartitionBuffers } from './partition-kernel.js';
import type { HistogramBuilder } from './tree-grower.js';
import type { SharedJobPoolLauncher } from '../parallel/shared-job-pool.js';
import { leafOfBinnedRow, leafOfRawRow } from './tree-walk.js';
import { createScoreData, recordLeafOfRows, updateScores } from './shared-score-update.js';
import type { SharedScoreData } from './shared-score-update.js';

/** Per-iteration metrics. */
export interface GbdtIterationMetrics {
  train: Record<string, number>;
  valid?: Record<string, number>;
}

/** Options of one training run. */
export interface GbdtFitOptions {
  params: Partial<GbdtParams>;
  /** Overrides params.objective. */
  objective?: GbdtObjective;
  /** Classes for multiclass (y holds class indices 0..K-1). */
  numClasses?: number;
  valid?: { x: FeatureMatrix; y: Float64Array; groups?: Int32Array };
  /** Ranking: query id per row; rows of one query are contiguous. */
  groups?: Int32Array;
  sampleWeight?: Float64Array;
  seed: number;
  onIteration?: (it: number, metrics: GbdtIterationMetrics) => void;
}

/** Result of a training run. */
export interface GbdtFitResult {
  state: ModelState;
  /** 0-based index of the best iteration; the model keeps iterations 0..bestIteration. */
  bestIteration: number;
  history: { train: Record<string, number[]>; valid?: Record<string, number[]> };
  importance: { gain: Float64Array; split: Float64Array };
}

/** Result plus the final raw training scores (rows x outputs), which equal the runtime's scores of x bit for bit. */
export interface GbdtTrainOutput {
  result: GbdtFitResult;
  trainScores: Float64Array;
  /** Iterations grown: more than bestIteration + 1 when early stopping cut the model, and then trainScores include the cut trees. */
  iterations: number;
}

/** Train a gradient-boosted tree ensemble. */
export async function fitGbdt(x: FeatureMatrix, y: Float64Array, opts: GbdtFitOptions): Promise<GbdtFitResult> {
  return (await trainGbdt(x, y, opts)).result;
}

/** `fitGbdt` that also returns the final training scores and, given a profile, times each phase. */
export async function trainGbdt(x: FeatureMatrix, y: Float64Array, opts: GbdtFitOptions, profile?: GbdtProfile): Promise<GbdtTrainOutput> {
  const params = parseGbdtParams({ ...opts.params, ...(opts.objective ? { objective: opts.objective } : {}), seed: opts.seed >>> 0 });
  if (opts.params.objective === undefined && opts.objective === undefined && opts.numClasses !== undefined) params.objective = opts.numClasses > 2 ? 'multiclass' : 'binary';
  checkInputs(x, y, opts, params);
  const rng = new Rng(params.seed);
  const n = x.rows;
  const F = x.cols;
  // No workers when even the root histogram is too small to be split across threads.
  const threads = n * F < PARALLEL_MIN_WORK ? 1 : Math.max(1, Math.min(params.numThreads, availableParallelism()));
  // Workers load their modules while this thread bins (their start-up was ~0.3-0.5 s of idle wall time).
  const launcher = threads > 1 ? ParallelHistogramBuilder.launch(threads) : undefined;
  let started = false;
  try {
    return await trainWithLauncher(x, y, opts, params, rng, threads, launcher, () => (started = true), profile);
  } finally {
    if (!started) await launcher?.close();
  }
}

async function trainWithLauncher(x: FeatureMatrix, y: Float64Array, opts: GbdtFitOptions, params: GbdtParams, rng: Rng, threads: number, launcher: SharedJobPoolLauncher | undefined, onStart: () => void, profile: GbdtProfile | undefined): Promise<GbdtTrainOutput> {
  const n = x.rows;
  const F = x.cols;
  const tBin = performance.now();
  const layout = fitBinLayout(x, params.maxBins, params.binSampleRows, rng.fork());
  const data = binMatrix(x, layout);
  profile?.lap('binning', tBin);
  const weight = buildWeights(y, opts.sampleWeight, params);
  const queryStart = opts.groups ? queryStarts(opts.groups, 'groups') : undefined;
  const numClasses = opts.numClasses ?? 0;
  const offsets2 = new Int32Array(F);
  for (let f = 0; f < F; f++) offsets2[f] = layout.offsets[f] * 2;
  const histSize = layout.totalSlots * 2;
  const packed = params.quantizedGradients && GradientQuantizer.fits(n);
  // Score room for the most outputs the objective can have (numClasses for multiclass, else one).
  const { rowIndex, scratchIdx, ordBins, ordGh, hist, partials, kernelMemory, scores: scoreRoom, labels } = allocateOrderedBuffers(n, F, histSize, params.maxLeaves, packed, Math.max(1, numClasses));
  // With the kernel memory, the objective reads labels there too (its WebAssembly gradient pass needs them in that memory).
  labels?.set(y);
  const objective = OBJECTIVES[params.objective]({ y: labels ?? y, weight, queryStart, numClasses, kernelMemory }, params);
  const K = objective.outputs;
  const stopMetric = params.evalMetric ?? objective.defaultMetric;
  checkMetricName(stopMetric);
  const metricNames = objective.metrics.includes(stopMetric) ? [...objective.metrics] : [stopMetric, ...objective.metrics];
  const inp: HistogramInputs = {
    bins: data.bins,
    features: F,
    offsets2,
    histSize,
    // The gradients by row id live in the ordered buffers' source half: a tree over all rows reads them in place.
    gh: sourceGradients(ordGh, n, packed),
    rowIndex,
    stride: orderedStride(F),
    ordBins,
    ordGh,
    hist,
    packed,
    kernelMemory,
    partials,
  };
  // With workers, the partition scratch is shared so that they can partition large splits (and gather) too.
  const buffers = createPartitionBuffers(n, layout.numBins, threads > 1 ? fillSourceBins(inp, n) : undefined, scratchIdx);
  // Scores and exact gradients live on shared memory so that the pool's threads can compute gradients.
  const scores = scoreRoom ? scoreRoom.subarray(0, n * K) : new Float64Array(sharedBuffer(8 * n * K));
  const exact = inp.packed ? new Float64Array(sharedBuffer(16 * n)) : inp.gh;
  const gradients = threads > 1 && objective.gradientRange ? { data: { objective: params.objective, params, y: sharedCopy(labels ?? y), weight: weight && sharedCopy(weight), scores, out: exact, kernelMemory }, objective } : undefined;
  const scoreUpdate = createScoreData(scores, n, K, params.maxLeaves);
  const tPool = performance.now();
  onStart();
  const par = launcher ? await ParallelHistogramBuilder.start(launcher, inp, threads, buffers, gradients, scoreUpdate, { layout, params }) : undefined;
  profile?.lap('threadStart', tPool);
  const builder: HistogramBuilder & { close?: () => Promise<void> } = par ?? new SerialHistogramBuilder(inp);
  const partition = { buffers, runner: par };
  try {
    return boost(x, y, opts, params, { layout, data, inp, builder, partition, gradientPool: par, scoreUpdate: { pool: par, data: scoreUpdate }, scores, exact, objective, K, weight, queryStart, stopMetric, metricNames, rng, profile });
  } finally {
    await builder.close?.();
  }
}

interface BoostContext {
  layout: ReturnType<typeof fitBinLayout>;
  data: ReturnType<typeof binMatrix>;
  inp: HistogramInputs;
  builder: HistogramBuilder;
  /** Partition buffers (the row index of half 1 lives in the kernel memory), with the pool's runner when there is one. */
  partition: { buffers: PartitionBuffers; runner: PartitionRunner | undefined };
  /** Computes row-wise gradients on its threads (returns false where it cannot). */
  gradientPool: { computeGradients(k: number): boolean } | undefined;
  /** Each row's leaf and the leaf values of the current tree; the pool (when there is one) adds them to the scores on its threads. */
  scoreUpdate: { pool: { updateScores(rows: number, k: number): boolean } | undefined; data: SharedScoreData };
  /** Raw training scores, rows x outputs (shared memory). */
  scores: Float64Array;
  /** Exact gradient pairs by row (the histogram inputs' `gh` unless gradients are quantized). */
  exact: Float64Array;
  objective: ReturnType<(typeof OBJECTIVES)[GbdtObjective]>;
  K: number;
  weight: Float64Array | undefined;
  queryStart: Int32Array | undefined;
  stopMetric: string;
  metricNames: string[];
  rng: Rng;
  profile: GbdtProfile | undefined;
}

function boost(x: FeatureMatrix, y: Float64Array, opts: GbdtFitOptions, p: GbdtParams, c: BoostContext): GbdtTrainOutput {
  const { layout, data, inp, objective, K, rng, profile } = c;
  const n = x.rows;
  const F = x.cols;
  // Quantized: the objective writes exact pairs here and the quantizer packs them into inp.gh.
  const quantizer = inp.packed ? new GradientQuantizer(n, p.gradientQuantBins, rng.nextUint32()) : undefined;
  const { exact, scores } = c;
  const grower = new TreeGrower(data, p, inp, c.builder, profile, c.partition, quantizer ? { quantizer, exact } : undefined);
  const model = new GbdtModelBuilder(layout);
  const base = objective.baseScores();
  for (let i = 0; i < n; i++) for (let k = 0; k < K; k++) scores[i * K + k] = base[k];
  const valid = opts.valid;
  const vn = valid ? valid.x.rows : 0;
  const vScores = new Float64Array(vn * K);
  for (let i = 0; i < vn; i++) for (let k = 0; k < K; k++) vScores[i * K + k] = base[k];
  // One output: AUC by bucket counting with buffers kept across rounds (allocated on its first use).
  const trainTarget: MetricTarget = { y, outputs: K, queryStart: c.queryStart, auc: K === 1 ? new BucketedAuc(y) : undefined };
  const validTarget: MetricTarget | undefined = valid ? { y: valid.y, outputs: K, queryStart: valid.groups ? queryStarts(valid.groups, 'valid.groups') : undefined, auc: K === 1 ? new BucketedAuc(valid.y) : undefined } : undefined;
  const history: GbdtFitResult['history'] = { train: {} };
  if (valid) history.valid = {};
  for (const m of c.metricNames) {
    if (p.evalTrain) history.train[m] = [];
    if (history.valid) history.valid[m] = [];
  }
  // Per-tree split features and gains, to sum importance over the kept trees only.
  const treeSplits: { features: Int32Array; gains: Float64Array }[] = [];
  const gh = inp.gh;
  const idx = inp.rowIndex;
  const bagMask = new Uint8Array(n);
  let bagCount = n;
  const featureMask = new Uint8Array(F).fill(1);
  const leafValues = new Float64Array(p.maxLeaves);
  const higher = metricHigherIsBetter(c.stopMetric);
  const patience = valid && p.earlyStoppingRounds > 0 ? p.earlyStoppingRounds : 0;
  let best = higher ? -Infinity : Infinity;
  let bestIt = -1;
  let it = 0;
  for (; it < p.numTrees; it++) {
    if (p.subsample < 1 && it % p.subsampleFreq === 0) bagCount = drawBag(bagMask, p.subsample, rng);
    if (p.colsampleByTree < 1) drawFeatures(featureMask, p.colsampleByTree, rng);
    let t0 = performance.now();
    objective.prepare(scores);
    for (let k = 0; k < K; k++) {
      if (k > 0) t0 = performance.now();
      if (!c.gradientPool?.computeGradients(k)) objective.gradients(scores, k, exact);
      if (quantizer) quantizer.quantize(exact, gh, n);
      if (profile) profile.lap('gradients', t0);
      let m = 0;
      if (bagCount === n) for (let i = 0; i < n; i++) idx[i] = i;
      else for (let i = 0; i < n; i++) if (bagMask[i] === 1) idx[m++] = i;
      const tree = grower.grow(bagCount, featureMask);
      t0 = performance.now();
      for (let l = 0; l < tree.numLeaves; l++) {
        const raw = objective.renewLeaf ? objective.renewLeaf(idx, tree.leafStart[l], tree.leafCount[l], scores, k) : tree.leafValue[l];
        leafValues[l] = raw * p.learningRate;
      }
      model.addTree(tree, leafValues);
      treeSplits.push({ features: tree.feature.slice(0, tree.numNodes), gains: tree.gain.slice(0, tree.numNodes) });
      // Every row's leaf (bagged rows from the leaves' index ranges, the others by walking the tree), then one pass adds the values.
      const su = c.scoreUpdate;
      recordLeafOfRows(su.data, idx, tree.leafStart, tree.leafCount, tree.numLeaves);
      if (bagCount < n) for (let i = 0; i < n; i++) if (bagMask[i] === 0) su.data.leafOfRow[i] = leafOfBinnedRow(tree, layout, data.bins, i);
      su.data.values.set(leafValues.subarray(0, tree.numLeaves));
      if (!su.pool?.updateScores(n, k)) updateScores(su.data, n, k);
      if (valid) for (let i = 0; i < vn; i++) vScores[i * K + k] += leafValues[leafOfRawRow(tree, layout, valid.x.data, vn, i)];
      if (profile) t0 = profile.lap('scoreUpdate', t0);
    }
    const metrics: GbdtIterationMetrics = { train: {} };
    for (const name of c.metricNames) {
      if (p.evalTrain) history.train[name].push((metrics.train[name] = evaluateMetric(name, scores, trainTarget)));
      if (valid && validTarget && history.valid) {
        metrics.valid ??= {};
        history.valid[name].push((metrics.valid[name] = evaluateMetric(name, vScores, validTarget)));
      }
    }
    if (profile) profile.lap('metrics', t0);
    opts.onIteration?.(it, metrics);
    if (patience > 0 && metrics.valid) {
      const v = metrics.valid[c.stopMetric];
      if (higher ? v > best : v < best) {
        best = v;
        bestIt = it;
      }
      else if (it - bestIt >= patience) {
        it++;
        break;
      }
    }
  }
  const bestIteration = patience > 0 && bestIt >= 0 ? bestIt : it - 1;
  model.truncate((bestIteration + 1) * K);
  const gain = new Float64Array(F);
  const split = new Float64Array(F);
  for (let t = 0; t < model.numTrees; t++) {
    const s = treeSplits[t];
    for (let j = 0; j < s.features.length; j++) {
      gain[s.features[j]] += s.gains[j];
      split[s.features[j]] += 1;
    }
  }
  const state = model.toState({ objective: objective.name, link: objective.link, outputs: K, featureNames: x.names, baseScores: base });
  return { result: { state, bestIteration, history, importance: { gain, split } }, trainScores: scores, iterations: it };
}

/** `a` itself when it already lives on shared memory, else a shared copy (worker threads read it). */
function sharedCopy(a: Float64Array): Float64Array {
  if (typeof SharedArrayBuffer !== 'function' || a.buffer instanceof SharedArrayBuffer) return a;
  const c = new Float64Array(new SharedArrayBuffer(a.byteLength));
  c.set(a);
  return c;
}

/** Bernoulli-free bagging: exactly round(n * rate) rows, chosen by a seeded partial shuffle. */
function drawBag(mask: Uint8Array, rate: number, rng: Rng): number {
  const n = mask.length;
  const m = Math.max(1, Math.round(n * rate));
  mask.fill(0);
  // Floyd's algorithm picks m distinct rows with m random draws.
  for (let j = n - m; j < n; j++) {
    const t = rng.int(j + 1);
    if (mask[t] === 0) mask[t] = 1;
    else mask[j] = 1;
  }
  return m;
}

function drawFeatures(mask: Uint8Array, rate: number, rng: Rng): void {
  const F = mask.length;
  const m = Math.max(1, Math.round(F * rate));
  mask.fill(0);
  for (let j = F - m; j < F; j++) {
    const t = rng.int(j + 1);
    if (mask[t] === 0) mask[t] = 1;
    else mask[j] = 1;
  }
}

function buildWeights(y: Float64Array, sw: Float64Array | undefined, p: GbdtParams): Float64Array | undefined {
  const spw = p.objective === 'binary' && p.scalePosWeight !== 1;
  if (!sw && !spw) return undefined;
  const w = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) w[i] = (sw ? sw[i] : 1) * (spw && y[i] === 1 ? p.scalePosWeight : 1);
  return w;
}

/** Query boundaries from per-row query ids; rows of a query must be contiguous. */
function queryStarts(groups: Int32Array, field: string): Int32Array {
  const starts = [0];
  const seen = new Set<number>();
  for (let i = 1; i < groups.length; i++) {
    if (groups[i] !== groups[i - 1]) {
      seen.add(groups[i - 1]);
      if (seen.has(groups[i])) throw new InputError(`${field}: rows of query ${groups[i]} are not contiguous (row ${i})`, { row: i, field }, 'sort rows by query id before training');
      starts.push(i);
    }
  }
  starts.push(groups.length);
  return Int32Array.from(starts);
}

function checkInputs(x: FeatureMatrix, y: Float64Array, opts: GbdtFitOptions, p: GbdtParams): void {
  if (x.rows === 0) throw new InputError('cannot train a gbdt on an empty feature matrix (0 rows)');
  if (x.data.length !== x.rows * x.cols) throw new InputError(`feature matrix data has ${x.data.length} values; expected rows x cols = ${x.rows * x.cols}`);
  if (y.length !== x.rows) throw new InputError(`y has ${y.length} values but the feature matrix has ${x.rows} rows`, { field: 'y' });
  if (opts.sampleWeight) {
    const w = opts.sampleWeight;
    if (w.length !== x.rows) throw new InputError(`sampleWeight has ${w.length} values but the feature matrix has ${x.rows} rows`, { field: 'sampleWeight' });
    for (let i = 0; i < w.length; i++) if (!(w[i] >= 0) || !Number.isFinite(w[i])) throw new InputError(`sampleWeight must be finite and >= 0; row ${i} has ${w[i]}`, { row: i, field: 'sampleWeight' });
  }
  if (opts.groups && opts.groups.length !== x.rows) throw new InputError(`groups has ${opts.groups.length} values but the feature matrix has ${x.rows} rows`, { field: 'groups' });
  if (p.objective === 'lambdarank' && !opts.groups) throw new UsageError('objective lambdarank needs groups (the query id of each row)', { field: 'groups' });
  if (p.objective === 'multiclass' && !(opts.numClasses !== undefined && opts.numClasses >= 2)) throw new UsageError('objective multiclass needs numClasses >= 2', { field: 'numClasses' });
  const v = opts.valid;
  if (v) {
    if (v.x.cols !== x.cols) throw new InputError(`valid set has ${v.x.cols} features but the training set has ${x.cols}`, { field: 'valid.x' });
    if (v.y.length !== v.x.rows) throw new InputError(`valid.y has ${v.y.length} values but valid.x has ${v.x.rows} rows`, { field: 'valid.y' });
    if (p.objective === 'lambdarank' && !v.groups) throw new UsageError('lambdarank with a valid set needs valid.groups', { field: 'valid.groups' });
  }
}
