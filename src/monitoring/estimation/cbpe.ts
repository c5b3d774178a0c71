/**
 * Confidence-based performance estimation (CBPE, as NannyML's): estimates a classifier's accuracy, ROC AUC
 * and F1 on a window without labels, from its predicted probabilities alone.
 *
 * Fit: on a labelled reference window, each class's probability column is calibrated against the
 * one-vs-rest indicator of that class with isotonic regression (scikit-learn's
 * `IsotonicRegression(out_of_bounds='clip')`, the calibrator NannyML uses by default); with more than two
 * classes the calibrated row is renormalized to sum to 1, as NannyML does. Kiln always calibrates
 * (NannyML skips calibration when it does not lower the expected calibration error).
 *
 * Estimate: the predicted class of a row is the argmax of the model's probabilities (first on ties) and
 * p̂ its calibrated probabilities. Each row then counts as class c with weight p̂_c (the expected
 * confusion matrix):
 * - accuracy = (1/n) Σ_i p̂_i[pred_i];
 * - binary F1 (positive = classes[1]): TP = Σ_{pred=1} p̂, FP = Σ_{pred=1} (1 − p̂), FN = Σ_{pred=0} p̂,
 *   F1 = 2TP / (2TP + FP + FN);
 * - ROC AUC: the ROC curve of expected TP/FP counts over every threshold of the calibrated score, i.e.
 *   scikit-learn's `roc_auc_score` on the rows duplicated as positive (weight p̂) and negative (weight
 *   1 − p̂) — NannyML's `estimate_roc_auc` without its padding point at threshold 1; multiclass is the
 *   macro mean of that over classes (one-vs-rest on each calibrated column).
 */
import { InputError } from '../../core/errors.js';
import { fitIsotonic, predictIsotonic, type IsotonicFit } from '../../core/stats/isotonic-regression.js';
import { argsortDescending } from '../../ml/metrics/argsort-descending.js';

/** The assumption under which CBPE's estimates hold; reports print it beside every estimate. */
export const CBPE_ASSUMPTION =
  'Estimated with confidence-based performance estimation (CBPE): the model\'s probabilities, calibrated on the labelled reference window ' +
  '(isotonic regression per class), are assumed to stay calibrated on the current window. This holds under covariate shift ' +
  '(the inputs drift but P(label | inputs) does not); under concept drift the estimate is wrong and only delayed labels will show it.';

/** A labelled reference window: n x k row-major probabilities, the class names (column order) and the labels. */
export interface CbpeReference {
  readonly probabilities: Float64Array;
  readonly classes: readonly string[];
  readonly labels: readonly string[];
}

/** Estimated metrics of one unlabelled window. */
export interface CbpeEstimate {
  readonly accuracy: number;
  /** Binary ROC AUC, or one-vs-rest macro AUC for multiclass; null when the window's expected labels hold one class only. */
  readonly auc: number | null;
  /** Binary F1 of classes[1]; null for multiclass. */
  readonly f1: number | null;
  readonly rows: number;
}

/** A fitted CBPE model. */
export interface CbpeModel {
  readonly classes: readonly string[];
  /** Rows of the reference window it was calibrated on. */
  readonly referenceRows: number;
  /** Calibrated probabilities (n x k row-major) of a window. */
  calibrate(probabilities: Float64Array): Float64Array;
  /** Estimated accuracy, AUC and F1 of an unlabelled window; InputError on an empty or malformed window. */
  estimate(probabilities: Float64Array): CbpeEstimate;
  /** The fitted calibration as plain JSON, to store with a baseline (`restoreCbpe` reads it back). */
  state(): CbpeState;
}

/** A fitted CBPE model as JSON: the classes and one isotonic calibrator per calibrated column (binary: classes[1] only). */
export interface CbpeState {
  readonly version: 1;
  readonly classes: readonly string[];
  readonly referenceRows: number;
  readonly calibrators: readonly { readonly x: readonly number[]; readonly y: readonly number[] }[];
}

function checkProbabilities(what: string, probabilities: Float64Array, k: number): number {
  if (!(probabilities instanceof Float64Array)) throw new InputError(`cbpe: ${what} probabilities must be a Float64Array (n x ${k}, row-major)`, { field: 'probabilities' });
  if (probabilities.length % k !== 0) {
    throw new InputError(`cbpe: ${what} probabilities hold ${probabilities.length} values, not a multiple of the ${k} classes`, { field: 'probabilities' });
  }
  const n = probabilities.length / k;
  if (n === 0) throw new InputError(`cbpe: the ${what} window has no rows; there is nothing to ${what === 'reference' ? 'calibrate on' : 'estimate'}`, { field: 'probabilities' });
  for (let i = 0; i < probabilities.length; i++) {
    const p = probabilities[i];
    if (!(p >= 0 && p <= 1)) {
      throw new InputError(`cbpe: ${what} probability at row ${Math.floor(i / k)}, class ${i % k} is ${p}; probabilities must lie in [0, 1]`, {
        field: 'probabilities',
        row: Math.floor(i / k),
      });
    }
  }
  // Rows are a distribution over the classes (float32 model outputs round, hence the tolerance).
  for (let r = 0; r < n; r++) {
    let s = 0;
    for (let c = 0; c < k; c++) s += probabilities[r * k + c];
    if (Math.abs(s - 1) > 1e-4) {
      throw new InputError(`cbpe: ${what} probabilities of row ${r} sum to ${s}, not 1; pass the model's class probabilities in the order of classes`, { field: 'probabilities', row: r });
    }
  }
  return n;
}

/** Argmax of each row (first on ties). */
function predictedClasses(probabilities: Float64Array, n: number, k: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (probabilities[i * k + c] > probabilities[i * k + best]) best = c;
    out[i] = best;
  }
  return out;
}

/** ROC AUC of expected labels: row i is positive with weight p[i] and negative with weight 1 − p[i], scored by p[i]. */
export function expectedRocAuc(p: ArrayLike<number>): number | null {
  const n = p.length;
  let totalPos = 0;
  for (let i = 0; i < n; i++) totalPos += p[i];
  const totalNeg = n - totalPos;
  if (!(totalPos > 0) || !(totalNeg > 0)) return null;
  const order = argsortDescending(p);
  let tp = 0;
  let area = 0;
  let i = 0;
  while (i < n) {
    const score = p[order[i]];
    let dtp = 0;
    let dfp = 0;
    while (i < n && p[order[i]] === score) {
      dtp += p[order[i]];
      dfp += 1 - p[order[i]];
      i++;
    }
    // Trapezoid between the previous and this threshold's (FPR, TPR).
    area += (dfp / totalNeg) * ((2 * tp + dtp) / totalPos / 2);
    tp += dtp;
  }
  return area;
}

/** Fits CBPE's per-class isotonic calibration on a labelled reference window. */
export function fitCbpe(reference: CbpeReference): CbpeModel {
  const classes = [...reference.classes];
  const k = classes.length;
  if (k < 2) throw new InputError(`cbpe: needs at least 2 classes, got ${k}`, { field: 'classes' });
  if (new Set(classes).size !== k) throw new InputError('cbpe: class names must be distinct', { field: 'classes' });
  const n = checkProbabilities('reference', reference.probabilities, k);
  if (reference.labels.length !== n) {
    throw new InputError(`cbpe: ${reference.labels.length} reference labels for ${n} rows of probabilities`, { field: 'labels' });
  }
  const codeOf = new Map(classes.map((c, i) => [c, i]));
  const codes = new Int32Array(n);
  const seen = new Int32Array(k);
  for (let i = 0; i < n; i++) {
    const code = codeOf.get(reference.labels[i]);
    if (code === undefined) {
      throw new InputError(`cbpe: reference label '${reference.labels[i]}' at row ${i} is not one of the classes ${classes.join(', ')}`, { field: 'labels', row: i });
    }
    codes[i] = code;
    seen[code]++;
  }
  const missing = classes.filter((_, c) => seen[c] === 0);
  if (missing.length > 0) {
    throw new InputError(`cbpe: the reference labels never show class ${missing.join(', ')}; calibration needs every class in the reference window`, { field: 'labels' });
  }
  // Binary: one calibrator on the positive column (the negative is its complement).
  const columns = k === 2 ? [1] : classes.map((_, c) => c);
  const fits: IsotonicFit[] = columns.map((c) => {
    const x = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      x[i] = reference.probabilities[i * k + c];
      y[i] = codes[i] === c ? 1 : 0;
    }
    return fitIsotonic(x, y);
  });
  return cbpeModel(classes, fits, n);
}

/** The model around fitted calibrators (shared by `fitCbpe` and `restoreCbpe`). */
function cbpeModel(classes: string[], fits: IsotonicFit[], referenceRows: number): CbpeModel {
  const k = classes.length;
  const calibrate = (probabilities: Float64Array): Float64Array => {
    const m = checkProbabilities('current', probabilities, k);
    const out = new Float64Array(m * k);
    for (let i = 0; i < m; i++) {
      if (k === 2) {
        const p1 = predictIsotonic(fits[0], probabilities[i * 2 + 1]);
        out[i * 2] = 1 - p1;
        out[i * 2 + 1] = p1;
        continue;
      }
      let s = 0;
      for (let c = 0; c < k; c++) s += out[i * k + c] = predictIsotonic(fits[c], probabilities[i * k + c]);
      // A row every calibrator maps to 0 keeps the model's own probabilities rather than dividing by 0.
      if (s > 0) for (let c = 0; c < k; c++) out[i * k + c] /= s;
      else for (let c = 0; c < k; c++) out[i * k + c] = probabilities[i * k + c];
    }
    return out;
  };

  const estimate = (probabilities: Float64Array): CbpeEstimate => {
    const cal = calibrate(probabilities);
    const m = cal.length / k;
    const pred = predictedClasses(probabilities, m, k);
    let correct = 0;
    for (let i = 0; i < m; i++) correct += cal[i * k + pred[i]];
    const column = (c: number): Float64Array => {
      const col = new Float64Array(m);
      for (let i = 0; i < m; i++) col[i] = cal[i * k + c];
      return col;
    };
    if (k === 2) {
      let tp = 0;
      let fp = 0;
      let fn = 0;
      for (let i = 0; i < m; i++) {
        const p = cal[i * 2 + 1];
        if (pred[i] === 1) {
          tp += p;
          fp += 1 - p;
        } else fn += p;
      }
      const denom = 2 * tp + fp + fn;
      return { accuracy: correct / m, auc: expectedRocAuc(column(1)), f1: denom > 0 ? (2 * tp) / denom : 0, rows: m };
    }
    const aucs = classes.map((_, c) => expectedRocAuc(column(c)));
    const auc = aucs.some((a) => a === null) ? null : (aucs as number[]).reduce((a, b) => a + b, 0) / k;
    return { accuracy: correct / m, auc, f1: null, rows: m };
  };

  const state = (): CbpeState => ({ version: 1, classes, referenceRows, calibrators: fits.map((f) => ({ x: Array.from(f.x), y: Array.from(f.y) })) });
  return { classes, referenceRows, calibrate, estimate, state };
}

/** Rebuilds a fitted model from `model.state()`; InputError when the saved calibration is malformed. */
export function restoreCbpe(saved: CbpeState): CbpeModel {
  const bad = (why: string): InputError => new InputError(`cbpe: the saved model ${why}; fit it again on the reference window`, { field: 'state' });
  if (typeof saved !== 'object' || saved === null || saved.version !== 1) throw bad('is not a version-1 CBPE state');
  const classes = Array.isArray(saved.classes) ? saved.classes.map(String) : [];
  if (classes.length < 2 || new Set(classes).size !== classes.length) throw bad('needs at least 2 distinct classes');
  if (!(Number.isInteger(saved.referenceRows) && saved.referenceRows > 0)) throw bad('has no reference row count');
  const expected = classes.length === 2 ? 1 : classes.length;
  if (!Array.isArray(saved.calibrators) || saved.calibrators.length !== expected) throw bad(`holds ${String(saved.calibrators?.length)} calibrators, not ${expected}`);
  const fits = saved.calibrators.map((c, i) => {
    const x: readonly number[] = Array.isArray(c?.x) ? c.x : [];
    const y: readonly number[] = Array.isArray(c?.y) ? c.y : [];
    const ok = x.length > 0 && x.length === y.length && x.every((v, j) => Number.isFinite(v) && (j === 0 || v > x[j - 1])) && y.every((v, j) => v >= 0 && v <= 1 && (j === 0 || v >= y[j - 1]));
    if (!ok) throw bad(`has a malformed calibrator ${i} (knots must increase, values lie in [0, 1] and never decrease)`);
    return { x: Float64Array.from(x), y: Float64Array.from(y) };
  });
  return cbpeModel(classes, fits, saved.referenceRows);
}
