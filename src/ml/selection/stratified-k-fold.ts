/**
 * `stratifiedKFold`: scikit-learn 1.2's StratifiedKFold. Classes are numbered by first appearance;
 * the per-fold count of each class comes from dealing the class-sorted labels round-robin over the
 * folds (sklearn's `allocation`), and each class's rows take their fold numbers in row order, or in a
 * seeded random order when shuffling. Without shuffle the index sets equal sklearn's exactly.
 */
import { InputError } from '../../core/errors.js';
import { Rng } from '../../core/rng.js';
import { foldFromAssignment, requireFoldCount } from './fold.js';
import type { Fold } from './fold.js';
import type { KFoldOptions } from './k-fold.js';

/** k folds preserving the class proportions of `y` in every test fold (sklearn `StratifiedKFold`). */
export function stratifiedKFold(y: Int32Array, k: number, options: KFoldOptions = {}): Fold[] {
  const n = y.length;
  requireFoldCount('stratifiedKFold', k, n, 'rows');
  const code = new Map<number, number>();
  const encoded = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let c = code.get(y[i]);
    if (c === undefined) {
      c = code.size;
      code.set(y[i], c);
    }
    encoded[i] = c;
  }
  const nClasses = code.size;
  const counts = new Int32Array(nClasses);
  for (let i = 0; i < n; i++) counts[encoded[i]]++;
  let largest = 0;
  for (let c = 0; c < nClasses; c++) largest = Math.max(largest, counts[c]);
  if (k > largest) {
    throw new InputError(`stratifiedKFold: ${k} folds is more than the number of rows in every class (largest class has ${largest}); use fewer folds`, {
      field: 'k',
    });
  }
  const rng = options.shuffle ? new Rng(options.seed ?? 0) : null;
  const assignment = new Int32Array(n);
  // Class c occupies positions [start, start + count) of the class-sorted labels; position p goes to fold p % k.
  let start = 0;
  const rowsOfClass = new Int32Array(n);
  for (let c = 0; c < nClasses; c++) {
    const count = counts[c];
    const foldsForClass = new Int32Array(count);
    let j = 0;
    for (let f = 0; f < k; f++) {
      const first = (f - (start % k) + k) % k; // offset of the first position p >= start with p % k == f
      const allocated = first < count ? Math.floor((count - 1 - first) / k) + 1 : 0;
      for (let a = 0; a < allocated; a++) foldsForClass[j++] = f;
    }
    if (rng) rng.shuffle(foldsForClass);
    let m = 0;
    for (let i = 0; i < n; i++) if (encoded[i] === c) rowsOfClass[m++] = i;
    for (let r = 0; r < count; r++) assignment[rowsOfClass[r]] = foldsForClass[r];
    start += count;
  }
  const folds: Fold[] = [];
  for (let f = 0; f < k; f++) folds.push(foldFromAssignment(assignment, f));
  return folds;
}
