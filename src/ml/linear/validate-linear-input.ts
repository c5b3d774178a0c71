/**
 * Boundary checks for linear training data. Preprocessing should already have imputed and scaled the
 * features, but a NaN or Infinity that slips through would silently poison every coefficient, so we
 * check once (O(n * p), cheap next to fitting) and name the feature and row.
 */
import { InputError } from '../../core/errors.js';
import type { FeatureMatrix } from '../../runtime/feature-matrix.js';

/** Throw InputError unless every feature value is finite and the shapes agree. */
export function checkLinearFeatures(x: FeatureMatrix, y: Float64Array): void {
  if (x.rows === 0) throw new InputError('cannot fit a linear model on 0 rows', { row: 0 }, 'check filters and the training split');
  if (x.data.length !== x.rows * x.cols) throw new InputError(`feature matrix data has ${x.data.length} values, expected rows x cols = ${x.rows * x.cols}`);
  if (y.length !== x.rows) throw new InputError(`target has ${y.length} values but the feature matrix has ${x.rows} rows`, { field: 'target' });
  const n = x.rows;
  for (let j = 0; j < x.cols; j++) {
    const base = j * n;
    for (let i = 0; i < n; i++) {
      const v = x.data[base + i];
      if (v - v !== 0) {
        const name = x.names[j] ?? `#${j}`;
        throw new InputError(
          `feature '${name}' has ${Number.isNaN(v) ? 'a missing (NaN)' : 'an infinite'} value at row ${i}; linear models need finite inputs`,
          { column: name, row: i },
          'impute missing values and clip or transform extreme values in preprocessing',
        );
      }
    }
  }
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(y[i])) throw new InputError(`target is missing or not finite at row ${i}`, { field: 'target', row: i }, 'drop rows with a missing target before training');
  }
}

/** Check class labels are integers in [0, numClasses) and at least two classes occur; returns per-class counts. */
export function checkClassLabels(y: Float64Array, numClasses: number): Float64Array {
  const counts = new Float64Array(numClasses);
  for (let i = 0; i < y.length; i++) {
    const c = y[i];
    if (!Number.isInteger(c) || c < 0 || c >= numClasses) {
      throw new InputError(`class label ${c} at row ${i} is not a class index in [0, ${numClasses})`, { field: 'target', row: i }, 'encode labels as 0..k-1 before fitting');
    }
    counts[c]++;
  }
  let present = 0;
  for (let c = 0; c < numClasses; c++) if (counts[c] > 0) present++;
  if (present < 2) {
    throw new InputError(`the target has only one class (${present === 0 ? 'none' : 'all rows are the same label'}); a classifier needs at least two`, { field: 'target' }, 'check the target column and the training split');
  }
  return counts;
}

/** Check sample weights: right length, finite, non-negative, positive total. */
export function checkSampleWeight(w: Float64Array, rows: number): void {
  if (w.length !== rows) throw new InputError(`sampleWeight has ${w.length} values, expected one per row (${rows})`, { field: 'sampleWeight' });
  let total = 0;
  for (let i = 0; i < w.length; i++) {
    const v = w[i];
    if (!(v >= 0) || !Number.isFinite(v)) throw new InputError(`sample weight at row ${i} is ${v}; weights must be finite and >= 0`, { field: 'sampleWeight', row: i });
    total += v;
  }
  if (!(total > 0)) throw new InputError('sample weights sum to 0; at least one row must have a positive weight', { field: 'sampleWeight' });
}
