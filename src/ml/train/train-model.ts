/**
 * `trainModel`: the whole supervised-training recipe behind `kiln train`. It checks the target,
 * infers the task, holds out a test split, fits the default (or given) preprocessing on training
 * rows only, fits the algorithm with early stopping on a validation split, evaluates on the test
 * split (and optionally k-fold cross-validation), and seals a model bundle.
 */
import { availableParallelism } from 'node:os';
import { InputError, UsageError } from '../../core/errors.js';
import type { Frame } from '../../core/frame.js';
import { cellValue, int64AsNumeric, isMissing } from '../../core/frame.js';
import type { ModelBundle, Task } from '../../runtime/bundle-types.js';
import { sealBundle } from '../../runtime/bundle.js';
import { compilePipeline } from '../../runtime/preprocess/compile-pipeline.js';
import { finish } from '../../runtime/scorer.js';
import { createPredictor } from '../../runtime/model-kinds.js';
import type { Predictor } from '../../runtime/predictor.js';
import type { CompiledPipeline } from '../../runtime/preprocess/compile-pipeline.js';
import { evaluateClassification, evaluateRanking, evaluateRegression } from '../metrics/evaluate.js';
import { crossValidate } from '../selection/cross-validate.js';
import { groupKFold } from '../selection/group-k-fold.js';
import { kFold } from '../selection/k-fold.js';
import { stratifiedKFold } from '../selection/stratified-k-fold.js';
import { trainTestSplit } from '../selection/train-test-split.js';
import { defaultPipelineSpec } from '../transformers/default-pipeline.js';
import { fitPipeline } from '../transformers/fit-pipeline.js';
import type { PipelineSpec } from '../transformers/pipeline-spec.js';
import { getAlgorithm } from './algorithms.js';
import type { Algorithm, AlgorithmFit } from './algorithms.js';
import { featureBaselines, histogram } from './baseline.js';
import { encodeTarget } from './target.js';
import type { TaskRequest } from './target.js';

/** Options of a training run. */
export interface TrainOptions {
  readonly target: string;
  readonly algo?: string;
  readonly task?: TaskRequest;
  readonly params?: Record<string, unknown>;
  /** Fraction of rows held out for the final evaluation (default 0.2). */
  readonly testFraction?: number;
  /** Fraction of the training rows used for early stopping (default 0.1; 0 disables). */
  readonly validFraction?: number;
  /** k-fold cross-validation on the training rows (0 = off). */
  readonly cv?: number;
  readonly seed?: number;
  /** Ranking: the query/group column. */
  readonly group?: string;
  /** Columns to leave out of the features (identifiers etc.). */
  readonly exclude?: readonly string[];
  readonly positiveClass?: string;
  readonly preprocessing?: PipelineSpec;
  readonly kilnVersion: string;
  readonly dataHash?: string;
  /** Threads for algorithms that use them when `params` does not say (default: the available cores). */
  readonly numThreads?: number;
  readonly onIteration?: (iteration: number, metrics: Record<string, number>) => void;
  readonly onStage?: (stage: string) => void;
}

/** What `trainModel` reports. */
export interface TrainResult {
  readonly bundle: ModelBundle;
  readonly task: Task;
  readonly algo: string;
  readonly metrics: Record<string, number>;
  /** The same metrics on the validation split (when there is one): what tuning optimizes, never the test split. */
  readonly validMetrics?: Record<string, number>;
  readonly bestIteration?: number;
  readonly cv?: { folds: Record<string, number>[]; mean: Record<string, number>; std: Record<string, number> };
  readonly rows: { train: number; valid: number; test: number };
  readonly features: readonly string[];
  readonly warnings: readonly string[];
  readonly history?: AlgorithmFit['history'];
}

/** Train a model on a Frame and return the sealed bundle with its evaluation. */
export async function trainModel(input: Frame, opts: TrainOptions): Promise<TrainResult> {
  // Models fit on doubles: int64 columns (exact IDs, counts) train as numeric, exact up to 2^53.
  const frame = int64AsNumeric(input);
  const seed = opts.seed ?? 42;
  // Parse once up front so bad params fail before any work; fits re-parse the raw user params.
  const { algo, rawParams, params } = resolveAlgorithm(opts);
  const testFraction = opts.testFraction ?? 0.2;
  const validFraction = opts.validFraction ?? (algo.usesValidation ? 0.1 : 0);
  if (!(testFraction > 0 && testFraction < 1)) throw new UsageError(`testFraction must be in (0, 1) (got ${testFraction})`, { field: 'testFraction' });
  checkFraction('validFraction', validFraction);
  if (!frame.has(opts.target)) {
    throw new InputError(`target column "${opts.target}" not found`, { field: 'target', column: opts.target }, `Columns are: ${frame.names.slice(0, 30).join(', ')}${frame.names.length > 30 ? ', …' : ''}`);
  }
  if (frame.rowCount < 10) {
    throw new InputError(`need at least 10 rows to train and evaluate, got ${frame.rowCount}`, { rows: frame.rowCount }, 'Provide more data.');
  }
  const target = encodeTarget(frame.column(opts.target), opts.task ?? 'auto', opts.positiveClass);
  const task = target.task;
  if (!algo.tasks.includes(task)) {
    throw new UsageError(`algo ${algo.name} does not support ${task} tasks (it supports ${algo.tasks.join(', ')})`, { field: 'algo' }, task === 'regression' ? 'Use gbdt, linear, ridge, lasso or elasticnet.' : 'Use gbdt or logistic.');
  }
  let groups: Int32Array | undefined;
  if (task === 'ranking') {
    if (!opts.group) throw new UsageError('group is required for ranking: the column holding the query id of each row', { field: 'group' });
    groups = encodeGroups(frame, opts.group);
  }
  const exclude = new Set([opts.target, ...(opts.group ? [opts.group] : []), ...(opts.exclude ?? [])]);
  for (const name of opts.exclude ?? []) if (!frame.has(name)) throw new UsageError(`exclude names column "${name}", which is not in the data`, { field: 'exclude', column: name });
  const warnings: string[] = [];
  for (const name of frame.names) {
    if (exclude.has(name)) continue;
    const col = frame.column(name);
    let present = false;
    for (let i = 0; i < frame.rowCount && !present; i++) present = !isMissing(col, i);
    if (!present) {
      exclude.add(name);
      warnings.push(`column "${name}" is missing in every row and was left out of the features`);
    }
  }
  const inputNames = frame.names.filter((n) => !exclude.has(n));
  if (inputNames.length === 0) throw new InputError('no feature columns left after removing the target', { field: 'target', column: opts.target });
  const numClasses = target.labels?.length ?? 1;

  opts.onStage?.('split');
  const stratify = task === 'binary' || task === 'multiclass' ? toInt32(target.y) : undefined;
  const outer = trainTestSplit(frame.rowCount, { testFraction, seed, stratify, groups });
  const trainIdx = outer.train;
  const testIdx = outer.test;
  const { fitIdx, validIdx } = carveValidation(trainIdx, validFraction, seed, stratify, groups);

  const inputsFrame = frame.select(inputNames);
  const spec = opts.preprocessing ?? defaultPipelineSpec(algo.family, inputsFrame.schema());

  let cvReport: TrainResult['cv'];
  if (opts.cv && opts.cv > 0) {
    if (!Number.isInteger(opts.cv) || opts.cv < 2) throw new UsageError(`cv must be an integer >= 2 (got ${opts.cv})`, { field: 'cv' });
    opts.onStage?.(`cross-validation (${opts.cv} folds)`);
    cvReport = await crossValidateModel(inputsFrame, target.y, trainIdx, { algo, params: rawParams, spec, task, numClasses, labels: target.labels, seed, k: opts.cv, groups, validFraction, stratify });
  }

  opts.onStage?.('preprocessing');
  const fitFrame = inputsFrame.take(fitIdx);
  const fitted = fitPipeline(spec, fitFrame, { target: pick(target.y, fitIdx), task, seed });
  const signatureInputs = fitted.inputs;
  const pipeline = compilePipeline(fitted.states, signatureInputs);
  const validX = validIdx.length > 0 ? pipeline.transform(inputsFrame.take(validIdx)) : undefined;

  opts.onStage?.('training');
  const fit = await algo.fit({
    x: fitted.matrix,
    y: pick(target.y, fitIdx),
    task,
    numClasses,
    params: rawParams,
    seed,
    valid: validX ? { x: validX, y: pick(target.y, validIdx), groups: groups ? pick(groups, validIdx) : undefined } : undefined,
    groups: groups ? pick(groups, fitIdx) : undefined,
    onIteration: opts.onIteration,
  });

  opts.onStage?.('evaluation');
  const predictor = createPredictor(fit.state);
  const testX = pipeline.transform(inputsFrame.take(testIdx));
  const testMetrics = evaluate(task, predictor.predictRaw(testX), pick(target.y, testIdx), numClasses, predictor, target.labels, groups ? pick(groups, testIdx) : undefined);
  const validMetrics = validX ? evaluate(task, predictor.predictRaw(validX), pick(target.y, validIdx), numClasses, predictor, target.labels, groups ? pick(groups, validIdx) : undefined) : undefined;

  // The prediction baseline needs the training rows' scores: gbdt hands back its own (identical) ones.
  const trainRaw = fit.trainRaw ?? predictor.predictRaw(fitted.matrix);
  const trainScored = finish(task, predictor, trainRaw, fitted.matrix.rows, target.labels);
  const predictionValues = trainScored.probability ?? (task === 'multiclass' ? maxProba(trainScored.probabilities as Float64Array, numClasses) : Float64Array.from(trainScored.prediction as number[]));

  const importance: Record<string, number> = {};
  if (fit.importance) fitted.featureNames.forEach((n, j) => (importance[n] = fit.importance?.[j] ?? 0));

  const outputs = task === 'binary' ? ['prediction', 'probability'] : task === 'multiclass' ? ['prediction', ...(target.labels ?? []).map((l) => `proba_${l}`)] : ['prediction'];
  const bundle = sealBundle({
    format: 'kiln.model',
    formatVersion: 1,
    signature: { inputs: signatureInputs, target: opts.target, task, outputs },
    preprocessing: fitted.states,
    model: fit.state,
    ...(target.labels ? { labels: target.labels } : {}),
    metadata: {
      algo: algo.name,
      params,
      metrics: finiteOnly(testMetrics),
      ...(opts.dataHash ? { dataHash: opts.dataHash } : {}),
      seed,
      kilnVersion: opts.kilnVersion,
      createdAt: new Date().toISOString(),
      ...(fit.bestIteration !== undefined ? { bestIteration: fit.bestIteration } : {}),
      featureImportance: importance,
    },
    baseline: { rows: fitFrame.rowCount, features: featureBaselines(fitFrame, signatureInputs.map((f) => f.name)), predictions: histogram(predictionValues) },
  });
  return {
    bundle,
    task,
    algo: algo.name,
    metrics: testMetrics,
    ...(validMetrics ? { validMetrics } : {}),
    ...(fit.bestIteration !== undefined ? { bestIteration: fit.bestIteration } : {}),
    ...(cvReport ? { cv: cvReport } : {}),
    rows: { train: fitIdx.length, valid: validIdx.length, test: testIdx.length },
    features: fitted.featureNames,
    warnings: [...warnings, ...(fitted.warnings ?? [])],
    history: fit.history,
  };
}

interface CvContext {
  algo: Algorithm;
  params: Record<string, unknown>;
  spec: PipelineSpec;
  task: Task;
  numClasses: number;
  labels: readonly string[] | undefined;
  seed: number;
  k: number;
  groups: Int32Array | undefined;
  validFraction: number;
  stratify: Int32Array | undefined;
}

/** Split training rows into fitting rows and early-stopping rows (queries kept contiguous for ranking). */
function carveValidation(
  trainIdx: Int32Array,
  validFraction: number,
  seed: number,
  stratify: Int32Array | undefined,
  groups: Int32Array | undefined,
): { fitIdx: Int32Array; validIdx: Int32Array } {
  let fitIdx: Int32Array = trainIdx;
  let validIdx: Int32Array = new Int32Array(0);
  if (validFraction > 0 && trainIdx.length >= 20) {
    const inner = trainTestSplit(trainIdx.length, {
      testFraction: validFraction,
      seed: seed + 1,
      stratify: stratify ? pick(stratify, trainIdx) : undefined,
      groups: groups ? pick(groups, trainIdx) : undefined,
    });
    fitIdx = pickIdx(trainIdx, inner.train);
    validIdx = pickIdx(trainIdx, inner.test);
  }
  if (groups) {
    fitIdx = sortByGroup(fitIdx, groups);
    validIdx = sortByGroup(validIdx, groups);
  }
  return { fitIdx, validIdx };
}

async function crossValidateModel(inputs: Frame, y: Float64Array, rows: Int32Array, ctx: CvContext): Promise<NonNullable<TrainResult['cv']>> {
  const yRows = pick(y, rows);
  const folds =
    ctx.task === 'ranking' && ctx.groups
      ? groupKFold(pick(ctx.groups, rows), ctx.k)
      : ctx.task === 'binary' || ctx.task === 'multiclass'
        ? stratifiedKFold(toInt32(yRows), ctx.k, { shuffle: true, seed: ctx.seed })
        : kFold(rows.length, ctx.k, { shuffle: true, seed: ctx.seed });
  // Fold indices are positions within `rows`; each fold refits preprocessing on its own training rows.
  const fitFold = async (foldTrain: Int32Array): Promise<{ predictor: Predictor; pipeline: CompiledPipeline }> => {
    const { fitIdx: trainRows, validIdx: validRows } = carveValidation(pickIdx(rows, foldTrain), ctx.validFraction, ctx.seed, ctx.stratify, ctx.groups);
    const fitted = fitPipeline(ctx.spec, inputs.take(trainRows), { target: pick(y, trainRows), task: ctx.task, seed: ctx.seed });
    const pipeline = compilePipeline(fitted.states, fitted.inputs);
    const validX = validRows.length > 0 ? pipeline.transform(inputs.take(validRows)) : undefined;
    const fit = await ctx.algo.fit({
      x: fitted.matrix,
      y: pick(y, trainRows),
      task: ctx.task,
      numClasses: ctx.numClasses,
      params: ctx.params,
      seed: ctx.seed,
      valid: validX ? { x: validX, y: pick(y, validRows), groups: ctx.groups ? pick(ctx.groups, validRows) : undefined } : undefined,
      groups: ctx.groups ? pick(ctx.groups, trainRows) : undefined,
    });
    return { predictor: createPredictor(fit.state), pipeline };
  };
  const evaluateFold = (model: { predictor: Predictor; pipeline: CompiledPipeline }, foldTest: Int32Array): Record<string, number> => {
    const testRows = ctx.groups ? sortByGroup(pickIdx(rows, foldTest), ctx.groups) : pickIdx(rows, foldTest);
    const raw = model.predictor.predictRaw(model.pipeline.transform(inputs.take(testRows)));
    return evaluate(ctx.task, raw, pick(y, testRows), ctx.numClasses, model.predictor, ctx.labels, ctx.groups ? pick(ctx.groups, testRows) : undefined);
  };
  return crossValidate(rows.length, folds, fitFold, evaluateFold);
}

function evaluate(
  task: Task,
  raw: Float64Array,
  y: Float64Array,
  numClasses: number,
  predictor: ReturnType<typeof createPredictor>,
  labels: readonly string[] | undefined,
  groups: Int32Array | undefined,
): Record<string, number> {
  const scored = finish(task, predictor, raw, y.length, labels);
  if (task === 'binary') {
    const proba = new Float64Array(y.length * 2);
    const p = scored.probability as Float64Array;
    for (let i = 0; i < y.length; i++) {
      proba[2 * i] = 1 - p[i];
      proba[2 * i + 1] = p[i];
    }
    return evaluateClassification(toInt32(y), proba, labels ?? ['0', '1']);
  }
  if (task === 'multiclass') return evaluateClassification(toInt32(y), scored.probabilities as Float64Array, labels ?? Array.from({ length: numClasses }, (_, k) => String(k)));
  if (task === 'ranking') return evaluateRanking(y, raw, groups ?? new Int32Array(y.length));
  return evaluateRegression(y, raw);
}

function encodeGroups(frame: Frame, name: string): Int32Array {
  const col = frame.column(name);
  const ids = new Map<string, number>();
  const out = new Int32Array(frame.rowCount);
  for (let i = 0; i < frame.rowCount; i++) {
    const v = cellValue(col, i);
    if (v === null) throw new InputError(`group column "${name}" is missing at row ${i + 1}`, { column: name, row: i + 1 });
    const key = String(v);
    let id = ids.get(key);
    if (id === undefined) ids.set(key, (id = ids.size));
    out[i] = id;
  }
  return out;
}

function sortByGroup(idx: Int32Array, groups: Int32Array): Int32Array {
  // Stable sort keeps row order inside a query; ranking objectives need each query contiguous.
  return Int32Array.from(Array.from(idx).sort((a, b) => groups[a] - groups[b] || a - b));
}

/** Metrics undefined on the evaluation data (NaN) are left out of the bundle: JSON has no NaN. */
function finiteOnly(metrics: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(metrics).filter(([, v]) => Number.isFinite(v)));
}

function checkFraction(name: string, v: number): void {
  if (!(v >= 0 && v < 1)) throw new UsageError(`${name} must be in [0, 1) (got ${v})`, { field: name });
}

/**
 * The algorithm and its parameters for `opts`, checked (UsageError naming `algo` or `params`):
 * `rawParams` with machine defaults filled in, `params` parsed. Cheap, so callers can fail fast.
 */
export function resolveAlgorithm(opts: Pick<TrainOptions, 'algo' | 'params' | 'numThreads'>): { algo: Algorithm; rawParams: Record<string, unknown>; params: Record<string, unknown> } {
  const algo = getAlgorithm(opts.algo ?? 'gbdt');
  const rawParams = withMachineDefaults(algo, opts.params ?? {}, opts.numThreads);
  return { algo, rawParams, params: parseParams(algo, rawParams) };
}

/** Threaded algorithms get the machine's thread count unless the caller's params set one. */
function withMachineDefaults(algo: Algorithm, raw: Record<string, unknown>, numThreads: number | undefined): Record<string, unknown> {
  if (!algo.threaded || Object.hasOwn(raw, 'numThreads')) return raw;
  return { ...raw, numThreads: numThreads ?? availableParallelism() };
}

/** Parameter errors name the `params` field (the key in `details.param`), like every other request field. */
function parseParams(algo: Algorithm, raw: Record<string, unknown>): Record<string, unknown> {
  // Names every object inherits (toString, __proto__, ...) are never parameters, whatever a parser's lookup.
  for (const name of Object.keys(raw)) {
    if (name in Object.prototype) throw new UsageError(`params: unknown ${algo.name} parameter "${name}"`, { field: 'params', param: name });
  }
  try {
    return algo.parseParams(raw);
  } catch (err) {
    if (err instanceof UsageError && err.details.field !== 'params') {
      throw new UsageError(`params: ${err.message}`, { ...err.details, field: 'params', ...(err.details.field ? { param: err.details.field } : {}) }, err.hint);
    }
    throw err;
  }
}

function toInt32(y: Float64Array): Int32Array {
  return Int32Array.from(y);
}

function pick<T extends Float64Array | Int32Array>(arr: T, idx: Int32Array): T {
  const out = new (arr.constructor as new (n: number) => T)(idx.length);
  for (let i = 0; i < idx.length; i++) out[i] = arr[idx[i]];
  return out;
}

function pickIdx(base: Int32Array, idx: Int32Array): Int32Array {
  const out = new Int32Array(idx.length);
  for (let i = 0; i < idx.length; i++) out[i] = base[idx[i]];
  return out;
}

function maxProba(probs: Float64Array, k: number): Float64Array {
  const n = probs.length / k;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let m = 0;
    for (let c = 0; c < k; c++) m = Math.max(m, probs[i * k + c]);
    out[i] = m;
  }
  return out;
}
