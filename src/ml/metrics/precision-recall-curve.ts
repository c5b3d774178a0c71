/**
 * Precision-recall curve and average precision as scikit-learn 1.2: `precision_recall_curve` (points
 * ordered by increasing threshold, final point precision 1 / recall 0) and `average_precision_score`,
 * the step-wise sum of precision times recall increments (no interpolation).
 */
import { binaryCurve } from './binary-curve.js';
import type { BinaryScoreOptions } from './binary-curve.js';

/** Precision-recall points: `precision`/`recall` have one more entry than `thresholds` (increasing). */
export interface PrecisionRecallCurve {
  readonly precision: Float64Array;
  readonly recall: Float64Array;
  readonly thresholds: Float64Array;
}

/** Precision-recall curve (sklearn `precision_recall_curve`); recall is all 1 when y_true has no positives. */
export function precisionRecallCurve(yTrue: ArrayLike<number>, yScore: ArrayLike<number>, options: BinaryScoreOptions = {}): PrecisionRecallCurve {
  const { fps, tps, thresholds } = binaryCurve('precision_recall_curve', yTrue, yScore, options);
  const m = fps.length;
  const precision = new Float64Array(m + 1);
  const recall = new Float64Array(m + 1);
  const th = new Float64Array(m);
  const tTotal = tps[m - 1];
  for (let j = 0; j < m; j++) {
    const src = m - 1 - j;
    const ps = tps[src] + fps[src];
    precision[j] = ps === 0 ? 0 : tps[src] / ps;
    recall[j] = tTotal === 0 ? 1 : tps[src] / tTotal;
    th[j] = thresholds[src];
  }
  precision[m] = 1;
  recall[m] = 0;
  return { precision, recall, thresholds: th };
}

/** Average precision (sklearn `average_precision_score`): sum over thresholds of (R_n - R_{n-1}) * P_n. */
export function averagePrecision(yTrue: ArrayLike<number>, yScore: ArrayLike<number>, options: BinaryScoreOptions = {}): number {
  const { precision, recall } = precisionRecallCurve(yTrue, yScore, options);
  let sum = 0;
  for (let j = 0; j + 1 < recall.length; j++) sum += (recall[j + 1] - recall[j]) * precision[j];
  return -sum;
}
