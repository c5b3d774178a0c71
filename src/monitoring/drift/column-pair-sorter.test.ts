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
        const expected = batch.map(([rn, cn], k) => {
          const r = Float64Array.from({ length: rn }, () => rng.normal() * 5 + (rng.next() < 0.1 ? -0 : 0));
          const c = Float64Array.from({ length: cn }, () => rng.int(100) - 50);
          sorter.reference[k].set(r);
          sorter.current[k].set(c);
          return [r.sort(), c.sort()];
        });
        expect(batch.length).toBeLessThanOrEqual(SLOTS);
        sorter.measure(batch.map(([referenceCount, currentCount, wasserstein]) => ({ referenceCount, currentCount, wasserstein })));
        batch.forEach(([rn, cn, mode], k) => {
          const [r, c] = expected[k];
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
