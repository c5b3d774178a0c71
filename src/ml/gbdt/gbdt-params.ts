/**
 * Hyper-parameters of the histogram gradient-boosted trees and their validation. Names are camelCase
 * and follow LightGBM's meaning (docs/algorithms/gbdt.md lists every one with its default).
 */
import { UsageError } from '../../core/errors.js';

/** Training objectives. */
export type GbdtObjective = 'binary' | 'multiclass' | 'regression' | 'regression_l1' | 'huber' | 'lambdarank';

/** All GBDT hyper-parameters, fully resolved. */
export interface GbdtParams {
  numTrees: number;
  learningRate: number;
  maxLeaves: number;
  maxDepth: number;
  maxBins: number;
  minDataInLeaf: number;
  minSumHessian: number;
  lambdaL1: number;
  lambdaL2: number;
  minSplitGain: number;
  subsample: number;
  subsampleFreq: number;
  colsampleByTree: number;
  earlyStoppingRounds: number;
  numThreads: number;
  scalePosWeight: number;
  objective: GbdtObjective;
  huberDelta: number;
  maxCatToOnehot: number;
  catSmooth: number;
  catL2: number;
  maxCatThreshold: number;
  minDataPerGroup: number;
  /** Metric that drives early stopping; undefined = the objective's default. */
  evalMetric: string | undefined;
  /** Compute per-iteration metrics on the training set too (costs a pass per iteration). */
  evalTrain: boolean;
  /** NDCG truncation for LambdaRank gradients and the `ndcg@k` metric. */
  ndcgAt: number;
  /** Rows sampled to find bin boundaries. */
  binSampleRows: number;
  /**
   * Histograms of integer-quantized gradients (LightGBM 4's `use_quantized_grad`): seeded stochastic
   * rounding to `gradientQuantBins` levels, one exact add per row-feature; leaf values from exact gradients.
   */
  quantizedGradients: boolean;
  /** Hessian levels of the quantization (gradients get half as many on each side of zero). */
  gradientQuantBins: number;
  seed: number;
}

const OBJECTIVES: readonly GbdtObjective[] = ['binary', 'multiclass', 'regression', 'regression_l1', 'huber', 'lambdarank'];

/** Defaults; see docs/algorithms/gbdt.md for why each was chosen. */
export const GBDT_DEFAULTS: Readonly<GbdtParams> = Object.freeze({
  numTrees: 500,
  learningRate: 0.1,
  maxLeaves: 31,
  maxDepth: -1,
  maxBins: 255,
  minDataInLeaf: 20,
  minSumHessian: 1e-3,
  lambdaL1: 0,
  lambdaL2: 1,
  minSplitGain: 0,
  subsample: 1,
  subsampleFreq: 1,
  colsampleByTree: 1,
  earlyStoppingRounds: 50,
  numThreads: 2,
  scalePosWeight: 1,
  objective: 'regression',
  huberDelta: 1,
  maxCatToOnehot: 4,
  catSmooth: 10,
  catL2: 10,
  maxCatThreshold: 32,
  minDataPerGroup: 100,
  evalMetric: undefined,
  evalTrain: true,
  ndcgAt: 10,
  binSampleRows: 200_000,
  quantizedGradients: false,
  gradientQuantBins: 16,
  seed: 0,
});

interface NumSpec {
  readonly min: number;
  readonly max: number;
  readonly int: boolean;
  /** Exclusive lower bound. */
  readonly minOpen?: boolean;
}

const NUMERIC: Readonly<Record<string, NumSpec>> = {
  numTrees: { min: 1, max: 1e6, int: true },
  learningRate: { min: 0, max: 10, int: false, minOpen: true },
  maxLeaves: { min: 2, max: 131072, int: true },
  maxDepth: { min: -1, max: 64, int: true },
  maxBins: { min: 2, max: 255, int: true },
  minDataInLeaf: { min: 1, max: 1e9, int: true },
  minSumHessian: { min: 0, max: 1e12, int: false },
  lambdaL1: { min: 0, max: 1e12, int: false },
  lambdaL2: { min: 0, max: 1e12, int: false },
  minSplitGain: { min: 0, max: 1e12, int: false },
  subsample: { min: 0, max: 1, int: false, minOpen: true },
  subsampleFreq: { min: 1, max: 1e6, int: true },
  colsampleByTree: { min: 0, max: 1, int: false, minOpen: true },
  earlyStoppingRounds: { min: 0, max: 1e6, int: true },
  numThreads: { min: 1, max: 256, int: true },
  scalePosWeight: { min: 0, max: 1e12, int: false, minOpen: true },
  huberDelta: { min: 0, max: 1e12, int: false, minOpen: true },
  maxCatToOnehot: { min: 1, max: 255, int: true },
  catSmooth: { min: 0, max: 1e12, int: false },
  catL2: { min: 0, max: 1e12, int: false },
  maxCatThreshold: { min: 1, max: 255, int: true },
  minDataPerGroup: { min: 1, max: 1e9, int: true },
  ndcgAt: { min: 1, max: 1e6, int: true },
  binSampleRows: { min: 1000, max: 1e9, int: true },
  gradientQuantBins: { min: 2, max: 1024, int: true },
  seed: { min: 0, max: 4294967295, int: true },
};

const ALL_NAMES = [...Object.keys(NUMERIC), 'objective', 'evalMetric', 'evalTrain', 'quantizedGradients'];

/** Resolve raw (user- or JSON-supplied) parameters against the defaults; throws UsageError naming the parameter. */
export function parseGbdtParams(raw: Record<string, unknown>): GbdtParams {
  const out: GbdtParams = { ...GBDT_DEFAULTS };
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    // Own properties only: `toString`, `__proto__`... are not parameters.
    const spec = Object.hasOwn(NUMERIC, name) ? NUMERIC[name] : undefined;
    if (spec) {
      (out as unknown as Record<string, number>)[name] = checkNumber(name, value, spec);
    } else if (name === 'objective') {
      if (typeof value !== 'string' || !OBJECTIVES.includes(value as GbdtObjective)) {
        throw new UsageError(`gbdt parameter objective must be one of ${OBJECTIVES.join(', ')}; got ${JSON.stringify(value)}`, { field: 'objective' });
      }
      out.objective = value as GbdtObjective;
    } else if (name === 'evalMetric') {
      if (typeof value !== 'string' || value.length === 0) throw new UsageError('gbdt parameter evalMetric must be a metric name such as "auc" or "rmse"', { field: 'evalMetric' });
      out.evalMetric = value;
    } else if (name === 'evalTrain') {
      if (typeof value !== 'boolean') throw new UsageError(`gbdt parameter evalTrain must be true or false; got ${JSON.stringify(value)}`, { field: 'evalTrain' });
      out.evalTrain = value;
    } else if (name === 'quantizedGradients') {
      if (typeof value !== 'boolean') throw new UsageError(`gbdt parameter quantizedGradients must be true or false; got ${JSON.stringify(value)}`, { field: 'quantizedGradients' });
      out.quantizedGradients = value;
    } else {
      const near = closestName(name, ALL_NAMES);
      throw new UsageError(`unknown gbdt parameter "${name}"${near ? `; did you mean "${near}"?` : ''}`, { field: name }, `valid parameters: ${ALL_NAMES.join(', ')}`);
    }
  }
  if (out.maxDepth === 0) throw new UsageError('gbdt parameter maxDepth must be -1 (unlimited) or >= 1; got 0', { field: 'maxDepth' });
  return out;
}

function checkNumber(name: string, value: unknown, spec: NumSpec): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new UsageError(`gbdt parameter ${name} must be a finite number; got ${JSON.stringify(value)}`, { field: name });
  }
  if (spec.int && !Number.isInteger(value)) throw new UsageError(`gbdt parameter ${name} must be an integer; got ${value}`, { field: name });
  const low = spec.minOpen ? value <= spec.min : value < spec.min;
  if (low || value > spec.max) {
    const range = `${spec.minOpen ? '(' : '['}${spec.min}, ${spec.max}]`;
    throw new UsageError(`gbdt parameter ${name} must be in ${range}; got ${value}`, { field: name });
  }
  return value;
}

/** Closest candidate by edit distance (case-insensitive), if reasonably close. */
function closestName(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  const a = name.toLowerCase().replace(/[_-]/g, '');
  for (const c of candidates) {
    const d = editDistance(a, c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return bestD <= Math.max(2, Math.floor(a.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}
