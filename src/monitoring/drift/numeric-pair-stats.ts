/**
 * The per-column work of the drift report on a numeric column once both sides are sorted, done by
 * whichever thread takes the column: count their distinct values and, when the column's test is the normed
 * Wasserstein distance, measure it (the merge and the reference's spread). It is here so that a worker can
 * take it, not only the sorts: the merge alone was ~28% of a one-thread report (docs/benchmarks.md). The
 * values equal what the registry's tests compute on the same sorted samples, bit for bit (same functions,
 * same order of operations).
 */
import { wassersteinDistanceSorted } from '../../core/stats/distribution-distances.js';
import { defaultDriftTest } from './default-drift-test.js';
import { populationStdAround } from './normed-wasserstein.js';

/** A job's first argument: its blocks are sides to sort (2k reference, 2k + 1 current of slot k). */
export const SORT_PHASE = 0;
/** A job's first argument: its blocks are slots whose sorted sides get their statistics. */
export const STATS_PHASE = 1;

/** Doubles per column in a stats array: reference distinct, current distinct, raw Wasserstein distance, reference std. */
export const PAIR_STATS = 4;

/** When to measure the Wasserstein distance: never (another test is chosen), always (chosen), or when the default test is it. */
export type WassersteinMode = 0 | 1 | 2;
/** Another test is chosen for the column. */
export const WASSERSTEIN_NEVER = 0;
/** The column's test is overridden to the Wasserstein distance. */
export const WASSERSTEIN_ALWAYS = 1;
/** No override: measured when the default test for the column's size and distinct count is the Wasserstein distance. */
export const WASSERSTEIN_IF_DEFAULT = 2;

/** Distinct values of an ascending-sorted array. */
export function distinctSorted(sorted: Float64Array): number {
  let d = sorted.length > 0 ? 1 : 0;
  for (let i = 1; i < sorted.length; i++) if (sorted[i] !== sorted[i - 1]) d++;
  return d;
}

/**
 * Write the PAIR_STATS numbers of a column whose sides are sorted at `out[at..]` (the last two NaN when the
 * distance is not measured). Both sides hold at least one value.
 */
export function measureSortedPair(reference: Float64Array, current: Float64Array, mode: WassersteinMode, out: Float64Array, at: number): void {
  // The reference's distinct count and the sum for its std in one pass (same order of additions as populationStd).
  let distinct = 1;
  let sum = 0 + reference[0];
  for (let i = 1; i < reference.length; i++) {
    const x = reference[i];
    distinct += +(x !== reference[i - 1]);
    sum += x;
  }
  out[at] = distinct;
  out[at + 1] = distinctSorted(current);
  const measure = mode === WASSERSTEIN_ALWAYS || (mode === WASSERSTEIN_IF_DEFAULT && defaultDriftTest('numeric', reference.length, distinct) === 'wasserstein');
  out[at + 2] = measure ? wassersteinDistanceSorted(reference, current) : NaN;
  out[at + 3] = measure ? populationStdAround(reference, sum) : NaN;
}
