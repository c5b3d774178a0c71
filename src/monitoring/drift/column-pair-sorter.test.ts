/** The column-pair sorter sorts and measures both sides of each slot exactly, on one thread or with a worker on shared buffers. */
import { describe, expect, it } from 'vitest';
import { wassersteinDistanceSorted } from '../../core/stats/distribution-distances.js';
import { Rng } from '../../core/rng.js';
import { ColumnPairSorter, SLOTS } from './column-pair-sorter.js';
import { populationStd } from './normed-wasserstein.js';
import { distinctSorted, PAIR_STATS, WASSERSTEIN_ALWAYS, WASSERSTEIN_IF_DEFAULT, WASSERSTEIN_NEVER } from './numeric-pair-stats.js';
import type { WassersteinMode } from './numeric-pair-stats.js';

describe('ColumnPairSorter', () => {
  it.each([1, 2])('sorts and measures every batch like the native sort and the plain statistics with %i thread(s)', async (threads) => {
    const rng = new Rng(30 + threads);
    const sorter = ColumnPairSorter.open(60_000, 50_000, threads);
    try {
      expect(await sorter.whenStarted()).toBe(threads === 2);
      const batches: [number, number, WassersteinMode][][] = [
        [[60_000, 50_000, WASSERSTEIN_IF_DEFAULT], [1000, 49_999, WASSERSTEIN_ALWAYS]],
        [[5, 3, WASSERSTEIN_IF_DEFAULT], [2000, 10, WASSERSTEIN_NEVER]],
        [[1, 10, WASSERSTEIN_ALWAYS]],
      ];
      for (const batch of batches) {
        const unsorted = batch.map(([rn, cn]) => [
          Float64Array.from({ length: rn }, () => rng.normal() * 5 + (rng.next() < 0.1 ? -0 : 0)),
          Float64Array.from({ length: cn }, () => rng.int(100) - 50),
        ]);
        expect(batch.length).toBeLessThanOrEqual(SLOTS);
        // The sides are gathered through the callback (with a worker, while it sorts the first ones).
        sorter.measure(
          batch.map(([, , wasserstein]) => ({ wasserstein })),
          (k, side) => {
            (side === 0 ? sorter.reference : sorter.current)[k].set(unsorted[k][side]);
            return unsorted[k][side].length;
          },
        );
        batch.forEach(([rn, cn, mode], k) => {
          const [r, c] = unsorted[k].map((v) => Float64Array.from(v).sort());
          expect([sorter.referenceCount(k), sorter.currentCount(k)]).toEqual([rn, cn]);
          expect(sorter.reference[k].subarray(0, rn).every((x, i) => Object.is(x, r[i]))).toBe(true);
          expect(sorter.current[k].subarray(0, cn).every((x, i) => Object.is(x, c[i]))).toBe(true);
          const s = Array.from(sorter.stats.subarray(PAIR_STATS * k, PAIR_STATS * (k + 1)));
          const measured = mode === WASSERSTEIN_ALWAYS || (mode === WASSERSTEIN_IF_DEFAULT && rn > 1000);
          expect(s).toEqual([distinctSorted(r), distinctSorted(c), measured ? wassersteinDistanceSorted(r, c) : NaN, measured ? populationStd(r) : NaN]);
        });
      }
    } finally {
      await sorter.close();
    }
  });
});
