/** The radix sort of Float64Arrays equals the native sort on awkward values. */
import { describe, expect, it } from 'vitest';
import { Rng } from '../rng.js';
import { sortFloat64 } from './radix-sort.js';

describe('sortFloat64', () => {
  it('sorts like Float64Array.prototype.sort, with negatives, zeros, infinities, subnormals and duplicates', () => {
    const rng = new Rng(4);
    const specials = [0, -0, Infinity, -Infinity, 5e-324, -5e-324, Number.MAX_VALUE, -Number.MAX_VALUE, 1, 1, -1];
    const a = new Float64Array(50_000);
    for (let i = 0; i < a.length; i++) a[i] = i < specials.length * 100 ? specials[i % specials.length] : rng.normal() * 10 ** rng.int(12) * (rng.next() < 0.5 ? -1 : 1);
    const expected = Float64Array.from(a).sort();
    const got = sortFloat64(Float64Array.from(a));
    for (let i = 0; i < a.length; i++) expect(Object.is(got[i], expected[i]) || got[i] === expected[i]).toBe(true);
    expect(Array.from(sortFloat64(Float64Array.of(3, -1, 2)))).toEqual([-1, 2, 3]);
  });

  it('sorts a subarray view in place', () => {
    const buf = new Float64Array(10_000).map((_, i) => (i * 7919) % 10_000);
    const view = buf.subarray(1000, 9000);
    sortFloat64(view);
    for (let i = 1; i < view.length; i++) expect(view[i]).toBeGreaterThanOrEqual(view[i - 1]);
    expect(buf[0]).toBe(0);
  });
});
