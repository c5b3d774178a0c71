/**
 * Input validation shared by every metric: lengths, emptiness, NaN and weights. Metrics are often the
 * last step of a long job, so a bad input must fail with an InputError that says which argument is
 * wrong rather than quietly returning NaN.
 */
import { InputError } from '../../core/errors.js';

/** Any numeric typed array a metric accepts. */
export type NumericArray = Float64Array | Float32Array | Int32Array | Uint8Array;

/** Throw unless `arr` has `n` entries (`what` names the argument in the message). */
export function requireLength(metric: string, what: string, arr: ArrayLike<number>, n: number): void {
  if (arr.length !== n) {
    throw new InputError(`${metric}: ${what} has ${arr.length} entries but y_true has ${n}; pass one value per row`, {
      field: what,
      expected: n,
      actual: arr.length,
    });
  }
}

/** Throw when there are no rows at all. */
export function requireNonEmpty(metric: string, n: number): void {
  if (n === 0) throw new InputError(`${metric}: got 0 rows; a metric needs at least one row`, { field: 'y_true' });
}

/** Throw at the first NaN (or infinity, unless allowed) in `arr`, naming the row. */
export function requireFinite(metric: string, what: string, arr: ArrayLike<number>, allowInfinite = false): void {
  for (let i = 0; i < arr.length; i++) {
    const v = arr[i];
    if (v !== v || (!allowInfinite && (v === Infinity || v === -Infinity))) {
      throw new InputError(`${metric}: ${what} has ${String(v)} at row ${i}; remove or impute non-finite values first`, {
        field: what,
        row: i,
      });
    }
  }
}

/** Validate optional sample weights: right length, finite, non-negative, and not all zero. */
export function requireWeights(metric: string, weights: ArrayLike<number> | undefined, n: number): void {
  if (weights === undefined) return;
  requireLength(metric, 'sample_weight', weights, n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const w = weights[i];
    if (!(w >= 0) || w === Infinity) {
      throw new InputError(`${metric}: sample_weight has ${String(w)} at row ${i}; weights must be finite and >= 0`, {
        field: 'sample_weight',
        row: i,
      });
    }
    total += w;
  }
  if (total === 0) throw new InputError(`${metric}: all sample weights are zero; at least one row must count`, { field: 'sample_weight' });
}

/** The common prelude: same length, non-empty, finite predictions, valid weights. Returns n. */
export function checkPaired(
  metric: string,
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  predName: string,
  weights?: ArrayLike<number>,
): number {
  const n = yTrue.length;
  requireLength(metric, predName, yPred, n);
  requireNonEmpty(metric, n);
  requireFinite(metric, 'y_true', yTrue);
  requireFinite(metric, predName, yPred);
  requireWeights(metric, weights, n);
  return n;
}
