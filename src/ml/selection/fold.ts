/**
 * `Fold`: one train/test partition of row indices, the unit every splitter yields and
 * cross-validation consumes. Indices are ascending so gathers read rows in order.
 */
import { InputError } from '../../core/errors.js';

/** Row indices of one split. */
export interface Fold {
  readonly train: Int32Array;
  readonly test: Int32Array;
}

/** Build a fold from a per-row fold assignment: rows with `assignment[i] === f` are the test rows. */
export function foldFromAssignment(assignment: Int32Array, f: number): Fold {
  let nTest = 0;
  for (let i = 0; i < assignment.length; i++) if (assignment[i] === f) nTest++;
  const test = new Int32Array(nTest);
  const train = new Int32Array(assignment.length - nTest);
  let a = 0;
  let b = 0;
  for (let i = 0; i < assignment.length; i++) {
    if (assignment[i] === f) test[a++] = i;
    else train[b++] = i;
  }
  return { train, test };
}

/** Throw unless `k` is an integer number of folds in [2, max]. */
export function requireFoldCount(splitter: string, k: number, max: number, what: string): void {
  if (!Number.isInteger(k) || k < 2) {
    throw new InputError(`${splitter}: the number of folds must be an integer >= 2, got ${k}`, { field: 'k' });
  }
  if (k > max) {
    throw new InputError(`${splitter}: cannot make ${k} folds from ${max} ${what}; use at most ${max} folds`, { field: 'k', max });
  }
}
