/**
 * `crossValidate`: fit on each fold's train rows, evaluate on its test rows, and summarize every metric
 * by its mean and population standard deviation (ddof = 0, numpy's default, i.e. what
 * `scores.std()` gives on sklearn's cross_validate output). Folds run one after another; parallelism
 * belongs to the fit function (worker pool), which keeps memory bounded.
 */
import { InputError } from '../../core/errors.js';
import type { Fold } from './fold.js';

/** Per-fold metrics and their summary. */
export interface CrossValidationResult {
  folds: Record<string, number>[];
  mean: Record<string, number>;
  std: Record<string, number>;
}

function checkIndices(n: number, fold: Fold, f: number): void {
  for (const [name, idx] of [
    ['train', fold.train],
    ['test', fold.test],
  ] as const) {
    if (idx.length === 0) throw new InputError(`crossValidate: fold ${f} has no ${name} rows`, { field: 'folds', fold: f });
    for (let i = 0; i < idx.length; i++) {
      if (!(idx[i] >= 0 && idx[i] < n)) {
        throw new InputError(`crossValidate: fold ${f} ${name} index ${idx[i]} is outside 0..${n - 1}`, { field: 'folds', fold: f });
      }
    }
  }
}

/** Run fit/evaluate over every fold and aggregate the metrics (mean, std with ddof = 0). */
export async function crossValidate<M>(
  n: number,
  folds: readonly Fold[],
  fit: (trainIdx: Int32Array, foldIndex: number) => Promise<M> | M,
  evaluate: (model: M, testIdx: Int32Array) => Record<string, number>,
): Promise<CrossValidationResult> {
  if (folds.length === 0) throw new InputError('crossValidate: no folds given; build them with kFold, stratifiedKFold, ...', { field: 'folds' });
  folds.forEach((fold, f) => checkIndices(n, fold, f));
  const results: Record<string, number>[] = [];
  for (let f = 0; f < folds.length; f++) {
    const model = await fit(folds[f].train, f);
    results.push(evaluate(model, folds[f].test));
  }
  const names = Object.keys(results[0]);
  for (let f = 1; f < results.length; f++) {
    for (const name of names) {
      if (!(name in results[f])) throw new InputError(`crossValidate: fold ${f} did not report metric '${name}' that fold 0 reported`, { field: name, fold: f });
    }
  }
  const mean: Record<string, number> = {};
  const std: Record<string, number> = {};
  for (const name of names) {
    let sum = 0;
    for (const r of results) sum += r[name];
    const m = sum / results.length;
    let sq = 0;
    for (const r of results) sq += (r[name] - m) * (r[name] - m);
    mean[name] = m;
    std[name] = Math.sqrt(sq / results.length);
  }
  return { folds: results, mean, std };
}
