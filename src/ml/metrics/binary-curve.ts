/**
 * The cumulative false/true positive counts at every distinct score threshold (scikit-learn's
 * `_binary_clf_curve`): one descending sort and one pass. ROC and precision-recall curves, ROC AUC and
 * average precision are all read off this.
 */
import { argsortDescending } from './argsort-descending.js';
import { checkPaired } from './metric-input-checks.js';

/** Options for metrics computed from a binary score. */
export interface BinaryScoreOptions {
  /** The class code counted as positive; default 1. */
  posLabel?: number;
  sampleWeight?: Float64Array;
}

/** Counts at each distinct threshold, thresholds decreasing; the last entry holds the totals. */
export interface BinaryCurve {
  readonly fps: Float64Array;
  readonly tps: Float64Array;
  readonly thresholds: Float64Array;
}

/** fps/tps/thresholds of a binary score (sklearn `_binary_clf_curve`; zero-weight rows are dropped). */
export function binaryCurve(metric: string, yTrue: ArrayLike<number>, yScore: ArrayLike<number>, options: BinaryScoreOptions = {}): BinaryCurve {
  const w = options.sampleWeight;
  const n = checkPaired(metric, yTrue, yScore, 'y_score', w);
  const pos = options.posLabel ?? 1;
  const sorted = argsortDescending(yScore);
  // Zero-weight rows must not create thresholds of their own, so drop them up front.
  let kept = n;
  if (w) {
    kept = 0;
    for (let r = 0; r < n; r++) if (w[sorted[r]] !== 0) sorted[kept++] = sorted[r];
  }
  const order = sorted.subarray(0, kept);
  const fps = new Float64Array(kept);
  const tps = new Float64Array(kept);
  const thresholds = new Float64Array(kept);
  let m = 0;
  let tp = 0;
  let fp = 0;
  for (let r = 0; r < kept; r++) {
    const i = order[r];
    const wi = w ? w[i] : 1;
    if (yTrue[i] === pos) tp += wi;
    else fp += wi;
    // A point at the end of each run of equal scores.
    if (r + 1 === kept || yScore[order[r + 1]] !== yScore[i]) {
      fps[m] = fp;
      tps[m] = tp;
      thresholds[m] = yScore[i];
      m++;
    }
  }
  return { fps: fps.slice(0, m), tps: tps.slice(0, m), thresholds: thresholds.slice(0, m) };
}
