/**
 * Proper scoring rules for predicted probabilities, as scikit-learn 1.2: `log_loss` (eps='auto', i.e.
 * clip to [eps, 1 - eps] with eps = 2^-52 for float64, then renormalize each row) and
 * `brier_score_loss` (mean squared error of the positive-class probability).
 */
import { InputError } from '../../core/errors.js';
import { checkPaired, requireFinite, requireLength, requireNonEmpty, requireWeights } from './metric-input-checks.js';

/** Machine epsilon of float64: sklearn 1.2's log_loss default eps ('auto'). */
export const FLOAT64_EPS = 2.220446049250313e-16;

/** Options for `logLoss`. */
export interface LogLossOptions {
  sampleWeight?: Float64Array;
  /** Clipping bound; default float64 machine epsilon as sklearn 1.2. */
  eps?: number;
}

function clip(p: number, eps: number): number {
  return p < eps ? eps : p > 1 - eps ? 1 - eps : p;
}

/**
 * Multiclass log loss (sklearn `log_loss` with labels 0..k-1): `proba` is n x k row-major,
 * y_true holds class codes 0..k-1.
 */
export function logLoss(yTrue: Int32Array, proba: Float64Array, nClasses: number, options: LogLossOptions = {}): number {
  const metric = 'log_loss';
  const n = yTrue.length;
  const k = nClasses;
  requireNonEmpty(metric, n);
  if (!(k >= 2)) throw new InputError(`${metric}: needs at least 2 classes, got ${k}; pass the full label list`, { field: 'n_classes' });
  requireLength(metric, 'proba (n x k)', proba, n * k);
  requireFinite(metric, 'proba', proba);
  const w = options.sampleWeight;
  requireWeights(metric, w, n);
  const eps = options.eps ?? FLOAT64_EPS;
  let sum = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const y = yTrue[i];
    if (!(y >= 0 && y < k)) throw new InputError(`${metric}: y_true has class code ${y} at row ${i}, outside 0..${k - 1}`, { field: 'y_true', row: i });
    let rowSum = 0;
    for (let c = 0; c < k; c++) rowSum += clip(proba[i * k + c], eps);
    const loss = -Math.log(clip(proba[i * k + y], eps) / rowSum);
    const wi = w ? w[i] : 1;
    sum += loss * wi;
    total += wi;
  }
  return sum / total;
}

/** Binary log loss from the positive-class probability (sklearn `log_loss` with a 1-D y_pred). */
export function binaryLogLoss(yTrue: ArrayLike<number>, pPositive: ArrayLike<number>, options: LogLossOptions & { posLabel?: number } = {}): number {
  const w = options.sampleWeight;
  const n = checkPaired('log_loss', yTrue, pPositive, 'y_prob', w);
  const eps = options.eps ?? FLOAT64_EPS;
  const pos = options.posLabel ?? 1;
  let sum = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const p = clip(pPositive[i], eps);
    const q = 1 - p;
    const loss = -Math.log((yTrue[i] === pos ? p : q) / (q + p));
    const wi = w ? w[i] : 1;
    sum += loss * wi;
    total += wi;
  }
  return sum / total;
}

/** Brier score (sklearn `brier_score_loss`): weighted mean of (1[y = pos] - p)^2; p must lie in [0, 1]. */
export function brierScore(yTrue: ArrayLike<number>, pPositive: ArrayLike<number>, options: { posLabel?: number; sampleWeight?: Float64Array } = {}): number {
  const w = options.sampleWeight;
  const n = checkPaired('brier_score', yTrue, pPositive, 'y_prob', w);
  const pos = options.posLabel ?? 1;
  let sum = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const p = pPositive[i];
    if (p < 0 || p > 1) throw new InputError(`brier_score: y_prob is ${p} at row ${i}; probabilities must lie in [0, 1]`, { field: 'y_prob', row: i });
    const d = (yTrue[i] === pos ? 1 : 0) - p;
    const wi = w ? w[i] : 1;
    sum += d * d * wi;
    total += wi;
  }
  return sum / total;
}
