/**
 * Accuracy and balanced accuracy (scikit-learn `accuracy_score`, `balanced_accuracy_score` with
 * adjusted=false), sample-weighted.
 */
import { InputError } from '../../core/errors.js';
import { confusionMatrix } from './confusion-matrix.js';
import { checkPaired } from './metric-input-checks.js';

/** Weighted fraction of rows where the predicted class equals the true class. */
export function accuracy(yTrue: Int32Array, yPred: Int32Array, sampleWeight?: Float64Array): number {
  const n = checkPaired('accuracy', yTrue, yPred, 'y_pred', sampleWeight);
  let hit = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const w = sampleWeight ? sampleWeight[i] : 1;
    total += w;
    if (yTrue[i] === yPred[i]) hit += w;
  }
  return hit / total;
}

/** Mean per-class recall over the classes present in y_true (classes only predicted are skipped, as sklearn). */
export function balancedAccuracy(yTrue: Int32Array, yPred: Int32Array, sampleWeight?: Float64Array): number {
  const { labels, matrix } = confusionMatrix(yTrue, yPred, sampleWeight ? { sampleWeight } : {});
  const k = labels.length;
  let sum = 0;
  let classes = 0;
  for (let t = 0; t < k; t++) {
    let rowTotal = 0;
    for (let p = 0; p < k; p++) rowTotal += matrix[t * k + p];
    if (rowTotal === 0) continue;
    sum += matrix[t * k + t] / rowTotal;
    classes++;
  }
  if (classes === 0) throw new InputError('balanced_accuracy: no class has positive weight in y_true', { field: 'sample_weight' });
  return sum / classes;
}
