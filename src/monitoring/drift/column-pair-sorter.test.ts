/** The column-pair sorter sorts both sides exactly, on one thread or with a worker on shared buffers. */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.js';
import { ColumnPairSorter } from './column-pair-sorter.js';

describe('ColumnPairSorter', () => {
  it.each([1, 2])('sorts every pair of prefixes like the native sort with %i thread(s)', async (threads) => {
    const rng = new Rng(30 + threads);
    const sorter = ColumnPairSorter.open(60_000, 50_000, threads);
    try {
      expect(await sorter.whenStarted()).toBe(threads === 2);
      for (const [rn, cn] of [[60_000, 50_000], [1000, 49_999], [5, 3], [0, 10]]) {
        const r = Float64Array.from({ length: rn }, () => rng.normal() * 5 + (rng.next() < 0.1 ? -0 : 0));
        const c = Float64Array.from({ length: cn }, () => rng.int(100) - 50);
        sorter.reference.set(r);
        sorter.current.set(c);
        sorter.sortPair(rn, cn);
        r.sort();
        c.sort();
        expect(sorter.reference.subarray(0, rn).every((x, i) => Object.is(x, r[i]))).toBe(true);
        expect(sorter.current.subarray(0, cn).every((x, i) => Object.is(x, c[i]))).toBe(true);
      }
    } finally {
      await sorter.close();
    }
  });
});
