/** The bucket sort equals the native sort bit for bit (-0 before +0) on awkward and skewed samples. */
import { describe, expect, it } from 'vitest';
import { Rng } from '../rng.js';
import { bucketSortFloat64, Float64SortScratch } from './bucket-sort.js';

function expectNativeOrder(values: Float64Array, scratch?: Float64SortScratch): void {
  const expected = Float64Array.from(values).sort();
  const got = bucketSortFloat64(Float64Array.from(values), scratch);
  expect(got.length).toBe(expected.length);
  let mismatch = -1;
  for (let i = 0; i < got.length && mismatch < 0; i++) if (!Object.is(got[i], expected[i])) mismatch = i;
  expect(mismatch).toBe(-1);
}

function sample(n: number, draw: (i: number) => number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => draw(i));
}

describe('bucketSortFloat64', () => {
  const rng = new Rng(12);
  const scratch = new Float64SortScratch();

  it('sorts random, skewed and heavy-tailed samples like the native sort', () => {
    for (const n of [300, 5000, 100_000]) {
      expectNativeOrder(sample(n, () => rng.normal() * 3 - 1), scratch);
      expectNativeOrder(sample(n, () => rng.next()), scratch);
      expectNativeOrder(sample(n, () => Math.exp(rng.normal() * 4)), scratch);
      expectNativeOrder(sample(n, () => -1 / Math.pow(rng.next() + 1e-12, 2)), scratch);
      // A few huge outliers put nearly everything into one bucket: it must be spread again.
      expectNativeOrder(sample(n, () => (rng.next() < 0.001 ? 1e12 * rng.normal() : rng.normal())), scratch);
      // Values spread over many orders of magnitude exhaust the re-spreading depth.
      expectNativeOrder(sample(n, () => (rng.next() < 0.5 ? -1 : 1) * 10 ** (rng.next() * 300 - 150)), scratch);
    }
  });

  it('keeps duplicates, -0 before +0, and negative values in order', () => {
    expectNativeOrder(sample(20_000, () => rng.int(7) - 3), scratch);
    expectNativeOrder(sample(20_000, (i) => (i % 3 === 0 ? -0 : i % 3 === 1 ? 0 : rng.normal())), scratch);
    expectNativeOrder(sample(20_000, (i) => (i % 2 === 0 ? -0 : 0)), scratch);
    expectNativeOrder(sample(20_000, () => -rng.next() * 1e-300), scratch);
    expectNativeOrder(sample(20_000, (i) => (i % 5 === 0 ? 0 : -0) + (i % 7 === 0 ? -5e-324 : i % 11 === 0 ? 5e-324 : 0)), scratch);
  });

  it('handles infinities, the extreme finite values and subnormal ranges', () => {
    expectNativeOrder(sample(10_000, (i) => (i % 100 === 0 ? Infinity : i % 101 === 0 ? -Infinity : rng.normal())), scratch);
    expectNativeOrder(sample(10_000, (i) => (i % 2 === 0 ? Number.MAX_VALUE : -Number.MAX_VALUE) * rng.next()), scratch);
    // A range so narrow that the bucket scale overflows to Infinity.
    expectNativeOrder(sample(10_000, () => rng.int(3) * 5e-324), scratch);
    expectNativeOrder(sample(10_000, () => 1 + rng.int(5) * Number.EPSILON), scratch);
  });

  it('sorts tiny, constant, already sorted and reversed arrays, and subarray views in place', () => {
    expect(Array.from(bucketSortFloat64(new Float64Array(0)))).toEqual([]);
    expect(Array.from(bucketSortFloat64(Float64Array.of(3, -1, 2)))).toEqual([-1, 2, 3]);
    expectNativeOrder(sample(5000, () => 4.5));
    expectNativeOrder(sample(5000, (i) => i));
    expectNativeOrder(sample(5000, (i) => -i));
    const buf = sample(10_000, (i) => (i * 7919) % 10_000);
    const view = buf.subarray(1000, 9000);
    expect(bucketSortFloat64(view, scratch)).toBe(view);
    for (let i = 1; i < view.length; i++) expect(view[i]).toBeGreaterThanOrEqual(view[i - 1]);
    expect(buf[0]).toBe(0);
    expect(buf[9999]).toBe((9999 * 7919) % 10_000);
  });
});
