/** radixSortF64 agrees with the built-in numeric sort, including negatives, zeros and infinities. */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.js';
import { radixSortF64 } from './radix-sort-f64.js';

describe('radixSortF64', () => {
  it('matches Float64Array.prototype.sort', () => {
    const rng = new Rng(3);
    for (const n of [10, 5000, 70000]) {
      const a = new Float64Array(n).map((_, i) => (i % 7 === 0 ? Math.round(rng.normal() * 3) : rng.normal() * 10 ** rng.int(12)));
      a[0] = -Infinity;
      a[1] = Infinity;
      a[2] = 0;
      a[3] = 1e-310;
      a[4] = -1e-310;
      const b = a.slice().sort();
      radixSortF64(a);
      expect(Array.from(a)).toEqual(Array.from(b));
    }
  });

  it('sorts exact float32 values (the 32-bit key path) like the built-in sort', () => {
    const rng = new Rng(5);
    for (const n of [3000, 70000]) {
      const a = new Float64Array(n).map((_, i) => Math.fround(i % 5 === 0 ? Math.round(rng.normal() * 3) : rng.normal() * 10 ** rng.int(8)));
      a[0] = -Infinity;
      a[1] = Infinity;
      a[2] = 0;
      a[3] = -0;
      a[4] = Math.fround(1e-40);
      a[5] = -Math.fround(1e-40);
      const b = a.slice().sort();
      radixSortF64(a);
      expect(Array.from(a)).toEqual(Array.from(b));
    }
  });
});
