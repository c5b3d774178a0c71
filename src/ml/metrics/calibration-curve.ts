/**
 * Reliability diagram points as scikit-learn 1.2's `calibration_curve`: bin the positive-class
 * probability (uniform edges, or edges at numpy's linear percentiles for 'quantile'), then report the
 * observed positive rate and the mean prediction of every non-empty bin. Edges are computed with the
 * same float operations as numpy so rows on an edge land in the same bin.
 */
import { InputError } from '../../core/errors.js';
import { checkPaired } from './metric-input-checks.js';

/** Calibration curve: one entry per non-empty bin, in bin order. */
export interface CalibrationCurve {
  readonly probTrue: Float64Array;
  readonly probPred: Float64Array;
}

/** Options for `calibrationCurve`. */
export interface CalibrationOptions {
  /** Default 5, as sklearn. */
  nBins?: number;
  /** Default 'uniform'. */
  strategy?: 'uniform' | 'quantile';
  posLabel?: number;
}

/** numpy.percentile(sorted, q * 100) with the default linear method, for q in [0, 1]. */
function linearPercentile(sorted: Float64Array, q: number): number {
  const n = sorted.length;
  const virtual = (n - 1) * ((q * 100) / 100);
  if (virtual >= n - 1) return sorted[n - 1];
  const prev = Math.floor(virtual);
  const a = sorted[prev];
  const b = sorted[prev + 1];
  const t = virtual - prev;
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

/** Observed vs predicted positive rate per probability bin (sklearn `calibration_curve`). */
export function calibrationCurve(yTrue: ArrayLike<number>, yProb: ArrayLike<number>, options: CalibrationOptions = {}): CalibrationCurve {
  const metric = 'calibration_curve';
  const n = checkPaired(metric, yTrue, yProb, 'y_prob');
  const nBins = options.nBins ?? 5;
  if (!Number.isInteger(nBins) || nBins < 1) throw new InputError(`${metric}: nBins must be a positive integer, got ${nBins}`, { field: 'nBins' });
  const pos = options.posLabel ?? 1;
  const classes = new Set<number>();
  for (let i = 0; i < n; i++) {
    const p = yProb[i];
    if (p < 0 || p > 1) throw new InputError(`${metric}: y_prob is ${p} at row ${i}; probabilities must lie in [0, 1]`, { field: 'y_prob', row: i });
    classes.add(yTrue[i]);
  }
  if (classes.size > 2) throw new InputError(`${metric}: only binary targets are supported, y_true has ${classes.size} classes`, { field: 'y_true' });
  const step = 1 / nBins;
  // Interior edges only (sklearn searches bins[1:-1]).
  const edges = new Float64Array(nBins - 1);
  if ((options.strategy ?? 'uniform') === 'quantile') {
    const sorted = Float64Array.from(yProb).sort();
    for (let e = 1; e < nBins; e++) edges[e - 1] = linearPercentile(sorted, e * step);
  } else if (options.strategy === undefined || options.strategy === 'uniform') {
    for (let e = 1; e < nBins; e++) edges[e - 1] = e * step;
  } else {
    throw new InputError(`${metric}: strategy must be 'uniform' or 'quantile', got '${String(options.strategy)}'`, { field: 'strategy' });
  }
  const sums = new Float64Array(nBins);
  const trues = new Float64Array(nBins);
  const counts = new Float64Array(nBins);
  for (let i = 0; i < n; i++) {
    const p = yProb[i];
    // searchsorted(side='left'): the number of edges strictly below p.
    let lo = 0;
    let hi = edges.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (edges[mid] < p) lo = mid + 1;
      else hi = mid;
    }
    sums[lo] += p;
    if (yTrue[i] === pos) trues[lo] += 1;
    counts[lo] += 1;
  }
  const probTrue: number[] = [];
  const probPred: number[] = [];
  for (let b = 0; b < nBins; b++) {
    if (counts[b] === 0) continue;
    probTrue.push(trues[b] / counts[b]);
    probPred.push(sums[b] / counts[b]);
  }
  return { probTrue: Float64Array.from(probTrue), probPred: Float64Array.from(probPred) };
}
