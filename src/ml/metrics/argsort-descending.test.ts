/** argsortDescending: order, stability on ties, signed zeros and infinities, against a comparator sort. */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.js';
import { argsortDescending } from './argsort-descending.js';

function reference(values: Float64Array): Int32Array {
  const idx = Array.from(values.keys());
  idx.sort((a, b) => values[b] - values[a] || a - b);
  return Int32Array.from(idx);
}

describe('argsortDescending', () => {
  it('orders by decreasing value, ties in row order, -0 tied with +0', () => {
    const v = Float64Array.of(0.5, -1, Infinity, 0, -0, 0.5, -Infinity, 1e-300, -1e-300, 3);
    expect(Array.from(argsortDescending(v))).toEqual([2, 9, 0, 5, 7, 3, 4, 8, 1, 6]);
  });

  it('matches a comparator sort on random data with many ties and wide exponents', () => {
    const rng = new Rng(7);
    const v = new Float64Array(20_000);
    for (let i = 0; i < v.length; i++) v[i] = i % 3 === 0 ? Math.round(rng.next() * 50) / 10 : rng.normal() * 10 ** rng.int(20);
    expect(Array.from(argsortDescending(v))).toEqual(Array.from(reference(v)));
  });

  it('handles empty and single inputs', () => {
    expect(argsortDescending(new Float64Array(0)).length).toBe(0);
    expect(Array.from(argsortDescending(Float64Array.of(4)))).toEqual([0]);
  });
});
