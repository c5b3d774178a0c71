/**
 * Confusion matrix over integer class codes, as scikit-learn's `confusion_matrix`: rows are true
 * classes, columns predicted classes, both in the order of `labels` (default: the sorted union of the
 * codes seen in y_true and y_pred). Counts are sample-weighted when weights are given.
 */
import { InputError } from '../../core/errors.js';
import { checkPaired } from './metric-input-checks.js';

/** A k x k confusion matrix, row-major: `matrix[t * k + p]` = weight of rows with true t predicted p. */
export interface ConfusionMatrix {
  readonly labels: Int32Array;
  readonly matrix: Float64Array;
}

/** Options shared by label-based classification metrics. */
export interface LabelMetricOptions {
  /** Class codes to report, in order; defaults to the sorted union of y_true and y_pred. */
  labels?: Int32Array;
  sampleWeight?: Float64Array;
}

/** Sorted distinct values of one or two integer arrays. */
export function uniqueLabels(a: Int32Array, b?: Int32Array): Int32Array {
  const seen = new Set<number>();
  for (let i = 0; i < a.length; i++) seen.add(a[i]);
  if (b) for (let i = 0; i < b.length; i++) seen.add(b[i]);
  return Int32Array.from(seen).sort();
}

/** Confusion matrix of integer labels (sklearn `confusion_matrix`). */
export function confusionMatrix(yTrue: Int32Array, yPred: Int32Array, options: LabelMetricOptions = {}): ConfusionMatrix {
  const n = checkPaired('confusion_matrix', yTrue, yPred, 'y_pred', options.sampleWeight);
  const labels = options.labels ?? uniqueLabels(yTrue, yPred);
  const k = labels.length;
  if (k === 0) throw new InputError('confusion_matrix: labels is empty; pass at least one class code', { field: 'labels' });
  const position = new Map<number, number>();
  for (let j = 0; j < k; j++) {
    if (position.has(labels[j])) throw new InputError(`confusion_matrix: label ${labels[j]} appears twice in labels`, { field: 'labels' });
    position.set(labels[j], j);
  }
  const matrix = new Float64Array(k * k);
  const w = options.sampleWeight;
  for (let i = 0; i < n; i++) {
    const t = position.get(yTrue[i]);
    const p = position.get(yPred[i]);
    // Rows whose true or predicted class is outside `labels` are ignored, as in sklearn.
    if (t === undefined || p === undefined) continue;
    matrix[t * k + p] += w ? w[i] : 1;
  }
  return { labels, matrix };
}
