/**
 * `timeSeriesSplit`: scikit-learn 1.2's TimeSeriesSplit. Rows are in time order; the last k blocks of
 * `testSize` rows (default n / (k + 1), floored) are the test folds, and each trains on every earlier
 * row except the `gap` rows right before its test block (optionally only the latest `maxTrainSize`).
 */
import { InputError } from '../../core/errors.js';
import type { Fold } from './fold.js';

/** Options for `timeSeriesSplit`. */
export interface TimeSeriesSplitOptions {
  testSize?: number;
  gap?: number;
  maxTrainSize?: number;
}

function range(from: number, to: number): Int32Array {
  const out = new Int32Array(Math.max(0, to - from));
  for (let i = 0; i < out.length; i++) out[i] = from + i;
  return out;
}

/** k expanding-window folds over time-ordered rows 0..n-1 (sklearn `TimeSeriesSplit`). */
export function timeSeriesSplit(n: number, k: number, options: TimeSeriesSplitOptions = {}): Fold[] {
  const where = 'timeSeriesSplit';
  if (!Number.isInteger(k) || k < 2) throw new InputError(`${where}: the number of folds must be an integer >= 2, got ${k}`, { field: 'k' });
  const gap = options.gap ?? 0;
  if (!Number.isInteger(gap) || gap < 0) throw new InputError(`${where}: gap must be an integer >= 0, got ${gap}`, { field: 'gap' });
  if (k + 1 > n) throw new InputError(`${where}: ${k} folds need at least ${k + 1} rows, got ${n}`, { field: 'k' });
  const testSize = options.testSize ?? Math.floor(n / (k + 1));
  if (!Number.isInteger(testSize) || testSize < 1) throw new InputError(`${where}: testSize must be a positive integer, got ${testSize}`, { field: 'testSize' });
  if (n - gap - testSize * k <= 0) {
    throw new InputError(`${where}: ${k} folds of ${testSize} test rows with gap ${gap} do not fit in ${n} rows; use fewer folds or a smaller testSize/gap`, {
      field: 'testSize',
    });
  }
  const folds: Fold[] = [];
  const maxTrain = options.maxTrainSize;
  for (let testStart = n - k * testSize; testStart < n; testStart += testSize) {
    const trainEnd = testStart - gap;
    const trainStart = maxTrain !== undefined && maxTrain > 0 && maxTrain < trainEnd ? trainEnd - maxTrain : 0;
    folds.push({ train: range(trainStart, trainEnd), test: range(testStart, testStart + testSize) });
  }
  return folds;
}
