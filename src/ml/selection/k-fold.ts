/**
 * `kFold`: scikit-learn's KFold. The first n % k folds get one extra row; without shuffling the test
 * folds are consecutive blocks, exactly as sklearn; with shuffling rows are permuted by the seeded Rng
 * first (so the sets differ from numpy's, while the fold sizes agree).
 */
import { Rng } from '../../core/rng.js';
import { foldFromAssignment, requireFoldCount } from './fold.js';
import type { Fold } from './fold.js';

/** Options for `kFold`. */
export interface KFoldOptions {
  shuffle?: boolean;
  seed?: number;
}

/** k train/test folds over rows 0..n-1 (sklearn `KFold`). */
export function kFold(n: number, k: number, options: KFoldOptions = {}): Fold[] {
  requireFoldCount('kFold', k, n, 'rows');
  const order = options.shuffle ? new Rng(options.seed ?? 0).permutation(n) : null;
  const assignment = new Int32Array(n);
  const base = Math.floor(n / k);
  const extra = n % k;
  let pos = 0;
  for (let f = 0; f < k; f++) {
    const size = base + (f < extra ? 1 : 0);
    for (let j = 0; j < size; j++, pos++) assignment[order ? order[pos] : pos] = f;
  }
  const folds: Fold[] = [];
  for (let f = 0; f < k; f++) folds.push(foldFromAssignment(assignment, f));
  return folds;
}
