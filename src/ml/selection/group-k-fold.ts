/**
 * `groupKFold`: scikit-learn 1.2's GroupKFold. Groups are sorted by id, then taken from largest to
 * smallest and each put in the fold with the fewest rows so far, so folds balance in size and no group
 * is split. Equal-size groups are taken in decreasing id order, which is what sklearn's reversed
 * argsort gives whenever numpy's sort is stable (always for <= 16 groups); with more tied groups numpy's
 * introsort may order ties differently, so folds can differ from sklearn's (sizes stay balanced).
 */
import { foldFromAssignment, requireFoldCount } from './fold.js';
import type { Fold } from './fold.js';

/** k folds where each group's rows stay together (sklearn `GroupKFold`, not shuffled). */
export function groupKFold(groups: Int32Array, k: number): Fold[] {
  const n = groups.length;
  const ids = Int32Array.from(new Set(groups)).sort();
  requireFoldCount('groupKFold', k, ids.length, 'distinct groups');
  const index = new Map<number, number>();
  for (let g = 0; g < ids.length; g++) index.set(ids[g], g);
  const sizes = new Int32Array(ids.length);
  const groupOf = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const g = index.get(groups[i]) as number;
    groupOf[i] = g;
    sizes[g]++;
  }
  const byDecreasingSize = Array.from(ids.keys()).sort((a, b) => sizes[b] - sizes[a] || b - a);
  const foldRows = new Float64Array(k);
  const foldOfGroup = new Int32Array(ids.length);
  for (const g of byDecreasingSize) {
    let lightest = 0;
    for (let f = 1; f < k; f++) if (foldRows[f] < foldRows[lightest]) lightest = f;
    foldRows[lightest] += sizes[g];
    foldOfGroup[g] = lightest;
  }
  const assignment = new Int32Array(n);
  for (let i = 0; i < n; i++) assignment[i] = foldOfGroup[groupOf[i]];
  const folds: Fold[] = [];
  for (let f = 0; f < k; f++) folds.push(foldFromAssignment(assignment, f));
  return folds;
}
