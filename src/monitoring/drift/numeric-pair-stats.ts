/**
 * The per-column work of the drift report on a numeric column, done by whichever thread takes the column:
 * sort both sides exactly, count their distinct values and, when the column's test is the normed
 * Wasserstein distance, measure it (the merge and the reference's spread). Everything O(n) on sorted
 * values is here so that a worker can take whole columns, not only their sorts: the merge alone was ~28%
 * of a one-thread report (docs/benchmarks.md). The values equal what the registry's tests compute on the
 * same sorted samples, bit for bit (same functions, same order of operations).
 */
import { bucketSortFloat64 } from '../../core/stats/bucket-sort.js';
import type { Float64SortScratch } from '../../core/stats/bucket-sort.js';
import { wassersteinDistanceSorted } from '../../core/stats/distribution-distances.js';
import { defaultDriftTest } from './default-drift-test.js';
import { populationStdAround } from './normed-wasserstein.js';

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
 * Sort `reference` and `current` in place and write their PAIR_STATS numbers at `out[at..]` (the last two
 * NaN when the distance is not measured). Both sides hold at least one value.
 */
export function measureNumericPair(reference: Float64Array, current: Float64Array, mode: WassersteinMode, scratch: Float64SortScratch, out: Float64Array, at: number): void {
  bucketSortFloat64(reference, scratch);
  bucketSortFloat64(current, scratch);
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
