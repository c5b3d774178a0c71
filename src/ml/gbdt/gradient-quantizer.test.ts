/** GradientQuantizer: exact packed sums, unbiased seeded rounding, level reduction for huge row counts. */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.js';
import { GradientQuantizer } from './gradient-quantizer.js';

describe('GradientQuantizer', () => {
  it('packs (grad, hess) levels into one double whose sums decode exactly and without bias', () => {
    const n = 50_000;
    const rng = new Rng(3);
    const exact = new Float64Array(2 * n);
    for (let r = 0; r < n; r++) {
      exact[2 * r] = rng.normal() * 0.3;
      exact[2 * r + 1] = 0.05 + 0.2 * rng.next();
    }
    const q = new GradientQuantizer(n, 16, 7);
    expect(q.levels).toBe(16);
    const packed = new Float64Array(2 * n);
    q.quantize(exact, packed, n);
    let P = 0;
    let G = 0;
    let H = 0;
    for (let r = 0; r < n; r++) {
      P += packed[r];
      G += exact[2 * r];
      H += exact[2 * r + 1];
    }
    // The packed total is an exact integer: any order of additions gives the same bits.
    let Prev = 0;
    for (let r = n - 1; r >= 0; r--) Prev += packed[r];
    expect(Prev).toBe(P);
    // Stochastic rounding is unbiased: totals agree to a few levels' standard error.
    expect(Math.abs(q.grad(P) - G)).toBeLessThan(0.01 * n * 0.3);
    expect(Math.abs(q.hess(P) - H) / H).toBeLessThan(0.01);
    const out = new Float64Array(2);
    q.decode(Float64Array.of(P), 0, 1, out);
    expect(out[0]).toBe(q.grad(P));
    expect(out[1]).toBe(q.hess(P));
  });

  it('is seeded: same seed same levels, another seed other levels', () => {
    const n = 1000;
    const exact = Float64Array.from({ length: 2 * n }, (_, i) => (i % 2 === 0 ? Math.sin(i) : 0.25));
    const run = (seed: number): Float64Array => {
      const out = new Float64Array(2 * n);
      new GradientQuantizer(n, 16, seed).quantize(exact, out, n);
      return out;
    };
    expect(run(5)).toEqual(run(5));
    expect(run(6)).not.toEqual(run(5));
  });

  it('halves the levels when packed sums over many rows would leave the exact range of doubles', () => {
    expect(new GradientQuantizer(4_000_000, 16, 1).levels).toBe(16);
    expect(new GradientQuantizer(20_000_000, 16, 1).levels).toBeLessThan(16);
    expect(GradientQuantizer.fits(20_000_000)).toBe(true);
    expect(GradientQuantizer.fits(2 ** 27)).toBe(false);
  });
});
