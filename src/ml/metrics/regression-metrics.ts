/**
 * Regression metrics as scikit-learn 1.2 (single output, sample-weighted): mean squared error, its
 * root, mean absolute error, mean absolute percentage error (denominator floored at float64 eps) and
 * R² with force_finite (perfect constant fit = 1, imperfect fit of a constant target = 0).
 */
import { InputError } from '../../core/errors.js';
import { checkPaired } from './metric-input-checks.js';
import { FLOAT64_EPS } from './probability-losses.js';

/** Mean squared error (sklearn `mean_squared_error`). */
export function meanSquaredError(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, sampleWeight?: Float64Array): number {
  const n = checkPaired('mse', yTrue, yPred, 'y_pred', sampleWeight);
  let sum = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const d = yTrue[i] - yPred[i];
    const w = sampleWeight ? sampleWeight[i] : 1;
    sum += d * d * w;
    total += w;
  }
  return sum / total;
}

/** Root mean squared error (sklearn `mean_squared_error(squared=False)`). */
export function rootMeanSquaredError(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, sampleWeight?: Float64Array): number {
  return Math.sqrt(meanSquaredError(yTrue, yPred, sampleWeight));
}

/** Mean absolute error (sklearn `mean_absolute_error`). */
export function meanAbsoluteError(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, sampleWeight?: Float64Array): number {
  const n = checkPaired('mae', yTrue, yPred, 'y_pred', sampleWeight);
  let sum = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const w = sampleWeight ? sampleWeight[i] : 1;
    sum += Math.abs(yTrue[i] - yPred[i]) * w;
    total += w;
  }
  return sum / total;
}

/** Mean absolute percentage error as a fraction (sklearn: |y - ŷ| / max(|y|, eps)). */
export function meanAbsolutePercentageError(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, sampleWeight?: Float64Array): number {
  const n = checkPaired('mape', yTrue, yPred, 'y_pred', sampleWeight);
  let sum = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const w = sampleWeight ? sampleWeight[i] : 1;
    sum += (Math.abs(yPred[i] - yTrue[i]) / Math.max(Math.abs(yTrue[i]), FLOAT64_EPS)) * w;
    total += w;
  }
  return sum / total;
}

/** Coefficient of determination R² (sklearn `r2_score`, force_finite=true); needs at least 2 rows. */
export function r2Score(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, sampleWeight?: Float64Array): number {
  const n = checkPaired('r2', yTrue, yPred, 'y_pred', sampleWeight);
  if (n < 2) throw new InputError('r2: R² is not defined for fewer than two rows', { field: 'y_true' });
  let wSum = 0;
  let wySum = 0;
  for (let i = 0; i < n; i++) {
    const w = sampleWeight ? sampleWeight[i] : 1;
    wSum += w;
    wySum += w * yTrue[i];
  }
  const mean = wySum / wSum;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    const w = sampleWeight ? sampleWeight[i] : 1;
    const r = yTrue[i] - yPred[i];
    const c = yTrue[i] - mean;
    num += w * r * r;
    den += w * c * c;
  }
  if (num === 0) return 1;
  if (den === 0) return 0;
  return 1 - num / den;
}
