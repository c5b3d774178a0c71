/**
 * Permutation importance, scikit-learn's definition (`sklearn.inspection.permutation_importance`):
 * the baseline score of the model on the data minus its score after shuffling one column, per
 * repeat; reported as the mean and population standard deviation (ddof 0) over repeats. As in
 * scikit-learn 1.9, every column replays the same seeded sequence of shuffles of one index array, and
 * each repeat permutes the column as left by the previous repeat (`X[:, c] = X[idx, c]` in place). Scores are "greater is better": for losses (rmse, log_loss) the score
 * is the negated loss, as scikit-learn's `neg_*` scorers, so a useful column has importance > 0.
 */
import { InputError } from '../../core/errors.js';
import { takeColumn } from '../../core/frame.js';
import type { Frame } from '../../core/frame.js';
import { Rng } from '../../core/rng.js';

/** Options of a permutation importance run. */
export interface PermutationOptions {
  /** Shuffles per column (default 5). */
  readonly repeats?: number;
  readonly seed?: number;
  /**
   * The shuffled index arrays to use instead of seeded ones, one per repeat (scikit-learn's
   * `shuffling_idx` after each `shuffle`), to reproduce another implementation's draws exactly.
   */
  readonly permutations?: readonly ArrayLike<number>[];
}

/** Importance of each column. */
export interface PermutationImportance {
  readonly columns: readonly string[];
  readonly baseline: number;
  readonly mean: Float64Array;
  readonly std: Float64Array;
  /** `columns x repeats`, row-major. */
  readonly importances: Float64Array;
  readonly repeats: number;
}

/** Permutation importance of `columns` of `frame` for a greater-is-better `score(frame)`. */
export function permutationImportance(frame: Frame, columns: readonly string[], score: (f: Frame) => number, opts: PermutationOptions = {}): PermutationImportance {
  const repeats = opts.permutations ? opts.permutations.length : (opts.repeats ?? 5);
  if (!Number.isInteger(repeats) || repeats < 1 || repeats > 1000) throw new InputError(`repeats must be an integer from 1 to 1000 (got ${repeats})`, { field: 'repeats' });
  if (frame.rowCount < 2) throw new InputError(`permutation importance needs at least 2 rows (got ${frame.rowCount})`, { field: 'rows' });
  const n = frame.rowCount;
  const baseline = score(frame);
  const C = columns.length;
  const importances = new Float64Array(C * repeats);
  columns.forEach((name, c) => {
    let col = frame.column(name);
    const rng = new Rng(opts.seed ?? 0);
    const order = Int32Array.from({ length: n }, (_, i) => i);
    for (let r = 0; r < repeats; r++) {
      let perm: ArrayLike<number>;
      if (opts.permutations) {
        perm = opts.permutations[r];
        if (perm.length !== n) throw new InputError(`permutation ${r} has ${perm.length} entries for ${n} rows`, { field: 'permutations' });
      } else {
        // Fisher-Yates on the running order, as numpy's shuffle in scikit-learn.
        for (let i = n - 1; i > 0; i--) {
          const j = rng.int(i + 1);
          const t = order[i];
          order[i] = order[j];
          order[j] = t;
        }
        perm = order;
      }
      col = takeColumn(col, perm);
      importances[c * repeats + r] = baseline - score(frame.withColumn(col));
    }
  });
  const mean = new Float64Array(C);
  const std = new Float64Array(C);
  for (let c = 0; c < C; c++) {
    let s = 0;
    for (let r = 0; r < repeats; r++) s += importances[c * repeats + r];
    mean[c] = s / repeats;
    let v = 0;
    for (let r = 0; r < repeats; r++) v += (importances[c * repeats + r] - mean[c]) ** 2;
    std[c] = Math.sqrt(v / repeats);
  }
  return { columns: [...columns], baseline, mean, std, importances, repeats };
}
