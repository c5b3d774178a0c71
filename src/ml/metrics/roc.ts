/**
 * ROC curve and ROC AUC as scikit-learn 1.2: `roc_curve` (with drop_intermediate and the leading
 * threshold `max + 1`), binary `roc_auc_score` (trapezoids over the curve, so tied scores count half),
 * and multiclass one-vs-rest with macro or prevalence-weighted averaging.
 */
import { InputError } from '../../core/errors.js';
import { binaryCurve } from './binary-curve.js';
import type { BinaryScoreOptions } from './binary-curve.js';
import { argsortDescending } from './argsort-descending.js';
import { checkPaired, requireFinite, requireLength, requireNonEmpty, requireWeights } from './metric-input-checks.js';

/** ROC curve points, thresholds decreasing (the first is max score + 1, as sklearn 1.2). */
export interface RocCurve {
  readonly fpr: Float64Array;
  readonly tpr: Float64Array;
  readonly thresholds: Float64Array;
}

/** Options for `rocCurve`. */
export interface RocCurveOptions extends BinaryScoreOptions {
  /** Drop collinear points that do not change the curve's shape; default true. */
  dropIntermediate?: boolean;
}

/** ROC curve (sklearn `roc_curve`); fpr (tpr) is all NaN when there are no negatives (positives). */
export function rocCurve(yTrue: ArrayLike<number>, yScore: ArrayLike<number>, options: RocCurveOptions = {}): RocCurve {
  return rocFromCurve('roc_curve', yTrue, yScore, options);
}

function rocFromCurve(metric: string, yTrue: ArrayLike<number>, yScore: ArrayLike<number>, options: RocCurveOptions): RocCurve {
  const curve = binaryCurve(metric, yTrue, yScore, options);
  let { fps, tps, thresholds } = curve;
  const m = fps.length;
  if ((options.dropIntermediate ?? true) && m > 2) {
    // Keep a point when either second difference is non-zero: a corner of the step curve.
    const keep = new Int32Array(m);
    let k = 0;
    keep[k++] = 0;
    for (let i = 1; i < m - 1; i++) {
      const d2f = fps[i + 1] - fps[i] - (fps[i] - fps[i - 1]);
      const d2t = tps[i + 1] - tps[i] - (tps[i] - tps[i - 1]);
      if (d2f !== 0 || d2t !== 0) keep[k++] = i;
    }
    keep[k++] = m - 1;
    const f2 = new Float64Array(k);
    const t2 = new Float64Array(k);
    const th2 = new Float64Array(k);
    for (let j = 0; j < k; j++) {
      f2[j] = fps[keep[j]];
      t2[j] = tps[keep[j]];
      th2[j] = thresholds[keep[j]];
    }
    fps = f2;
    tps = t2;
    thresholds = th2;
  }
  const len = fps.length + 1;
  const fpr = new Float64Array(len);
  const tpr = new Float64Array(len);
  const th = new Float64Array(len);
  const fTotal = fps[len - 2];
  const tTotal = tps[len - 2];
  th[0] = thresholds[0] + 1;
  fpr[0] = fTotal > 0 ? 0 : NaN;
  tpr[0] = tTotal > 0 ? 0 : NaN;
  for (let j = 1; j < len; j++) {
    fpr[j] = fTotal > 0 ? fps[j - 1] / fTotal : NaN;
    tpr[j] = tTotal > 0 ? tps[j - 1] / tTotal : NaN;
    th[j] = thresholds[j - 1];
  }
  return { fpr, tpr, thresholds: th };
}

/** Area under a curve by the trapezoidal rule; x must be monotonic (sklearn `auc`). */
export function trapezoidArea(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let area = 0;
  for (let i = 1; i < x.length; i++) area += ((x[i] - x[i - 1]) * (y[i] + y[i - 1])) / 2;
  return area;
}

/** Binary ROC AUC (sklearn `roc_auc_score`); InputError unless y_true holds exactly two classes. */
export function rocAuc(yTrue: ArrayLike<number>, yScore: ArrayLike<number>, options: BinaryScoreOptions = {}): number {
  const metric = 'roc_auc';
  const pos = options.posLabel ?? 1;
  // Distinct labels, stopping at three; a Set per row would cost more than the AUC itself.
  const classes = new Set<number>();
  let last = NaN;
  for (let i = 0; i < yTrue.length && classes.size < 3; i++) {
    if (yTrue[i] !== last) {
      last = yTrue[i];
      classes.add(last);
    }
  }
  if (yTrue.length > 0 && classes.size !== 2) {
    throw new InputError(
      classes.size < 2
        ? `${metric}: only one class (${[...classes].join(', ')}) present in y_true; ROC AUC is not defined, evaluate on data with both classes`
        : `${metric}: y_true has more than two classes; use roc_auc_ovr for multiclass`,
      { field: 'y_true' },
    );
  }
  if (yTrue.length > 0 && !classes.has(pos)) {
    throw new InputError(`${metric}: pos_label=${pos} does not occur in y_true (classes ${[...classes].join(', ')})`, { field: 'pos_label' });
  }
  return streamingAuc(metric, yTrue, yScore, pos, options.sampleWeight);
}

/**
 * Trapezoidal area under the ROC curve in one pass over the descending order, without building the
 * curve: the same area as sklearn's auc(roc_curve(...)) (dropping collinear points does not change it),
 * normalized once at the end.
 */
function streamingAuc(metric: string, yTrue: ArrayLike<number>, yScore: ArrayLike<number>, pos: number, w: Float64Array | undefined): number {
  const n = checkPaired(metric, yTrue, yScore, 'y_score', w);
  if (!w) return unweightedAuc(yTrue, yScore, pos, n);
  const order = argsortDescending(yScore);
  let tp = 0;
  let fp = 0;
  let prevTp = 0;
  let prevFp = 0;
  let area = 0;
  for (let r = 0; r < n; r++) {
    const i = order[r];
    const wi = w ? w[i] : 1;
    if (yTrue[i] === pos) tp += wi;
    else fp += wi;
    if (r + 1 === n || yScore[order[r + 1]] !== yScore[i]) {
      area += (fp - prevFp) * (tp + prevTp);
      prevFp = fp;
      prevTp = tp;
    }
  }
  // Zero-weight rows add nothing to either count, so they cannot change the area.
  return fp > 0 && tp > 0 ? area / (2 * fp * tp) : NaN;
}

/**
 * Unweighted fast path: sort positive and negative scores separately with V8's native numeric sort
 * (faster than an index sort here) and merge them from the top; counts are integers, so the area is the
 * same as the general sweep's.
 */
function unweightedAuc(yTrue: ArrayLike<number>, yScore: ArrayLike<number>, pos: number, n: number): number {
  let nPos = 0;
  for (let i = 0; i < n; i++) if (yTrue[i] === pos) nPos++;
  const P = new Float64Array(nPos);
  const N = new Float64Array(n - nPos);
  let a = 0;
  let b = 0;
  for (let i = 0; i < n; i++) {
    if (yTrue[i] === pos) P[a++] = yScore[i] + 0; // + 0 folds -0 into +0 so they tie
    else N[b++] = yScore[i] + 0;
  }
  P.sort();
  N.sort();
  let i = P.length - 1;
  let j = N.length - 1;
  let tp = 0;
  let fp = 0;
  let area = 0;
  while (i >= 0 || j >= 0) {
    const v = i < 0 ? N[j] : j < 0 ? P[i] : Math.max(P[i], N[j]);
    const prevTp = tp;
    const prevFp = fp;
    while (i >= 0 && P[i] === v) {
      tp++;
      i--;
    }
    while (j >= 0 && N[j] === v) {
      fp++;
      j--;
    }
    area += (fp - prevFp) * (tp + prevTp);
  }
  return fp > 0 && tp > 0 ? area / (2 * fp * tp) : NaN;
}

/** Options for one-vs-rest multiclass ROC AUC. */
export interface RocAucOvrOptions {
  /** 'macro' (default) or 'weighted' by class prevalence in y_true. */
  average?: 'macro' | 'weighted';
  sampleWeight?: Float64Array;
}

/**
 * Multiclass one-vs-rest ROC AUC (sklearn `roc_auc_score(multi_class='ovr')`). `proba` is n x k
 * row-major with rows summing to 1; y_true holds codes 0..k-1 and every class must occur.
 */
export function rocAucOvr(yTrue: Int32Array, proba: Float64Array, nClasses: number, options: RocAucOvrOptions = {}): number {
  const metric = 'roc_auc_ovr';
  const n = yTrue.length;
  const k = nClasses;
  requireNonEmpty(metric, n);
  if (!(k >= 2)) throw new InputError(`${metric}: needs at least 2 classes, got ${k}`, { field: 'n_classes' });
  requireLength(metric, 'proba (n x k)', proba, n * k);
  requireFinite(metric, 'proba', proba);
  const w = options.sampleWeight;
  requireWeights(metric, w, n);
  for (let i = 0; i < n; i++) {
    if (!(yTrue[i] >= 0 && yTrue[i] < k)) {
      throw new InputError(`${metric}: y_true has class code ${yTrue[i]} at row ${i}, outside 0..${k - 1}`, { field: 'y_true', row: i });
    }
    let s = 0;
    for (let c = 0; c < k; c++) s += proba[i * k + c];
    // numpy.allclose(1, s): |s - 1| <= 1e-8 + 1e-5 * |s|
    if (!(Math.abs(s - 1) <= 1e-8 + 1e-5 * Math.abs(s))) {
      throw new InputError(`${metric}: probabilities in row ${i} sum to ${s}, not 1; pass predicted probabilities for every class`, {
        field: 'proba',
        row: i,
      });
    }
  }
  const weightOf = new Float64Array(k);
  const countOf = new Int32Array(k);
  for (let i = 0; i < n; i++) {
    weightOf[yTrue[i]] += w ? w[i] : 1;
    countOf[yTrue[i]]++;
  }
  const column = new Float64Array(n);
  const binary = new Int32Array(n);
  let acc = 0;
  let total = 0;
  for (let c = 0; c < k; c++) {
    if (countOf[c] === 0) {
      throw new InputError(`${metric}: class ${c} never occurs in y_true; one-vs-rest AUC is not defined for it`, { field: 'y_true' });
    }
    for (let i = 0; i < n; i++) {
      column[i] = proba[i * k + c];
      binary[i] = yTrue[i] === c ? 1 : 0;
    }
    const score = rocAuc(binary, column, w ? { sampleWeight: w } : {});
    const weight = options.average === 'weighted' ? weightOf[c] : 1;
    if (weight !== 0) acc += score * weight;
    total += weight;
  }
  return total === 0 ? 0 : acc / total;
}
