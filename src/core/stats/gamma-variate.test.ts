/** Gamma/Beta variates: determinism and moments (mean a, variance a for Gamma(a); a/(a+b) for Beta) within Monte Carlo error. */
import { describe, expect, it } from 'vitest';
import { Rng } from '../rng.js';
import { sampleBeta, sampleGamma } from './gamma-variate.js';

describe('gamma and beta variates', () => {
  it('Gamma(a) has mean a and variance a, including the shape < 1 boost', () => {
    const n = 40_000;
    for (const a of [0.3, 1, 4.5, 60]) {
      const rng = new Rng(42);
      let s = 0;
      let s2 = 0;
      for (let i = 0; i < n; i++) {
        const x = sampleGamma(a, rng);
        expect(x).toBeGreaterThanOrEqual(0);
        s += x;
        s2 += x * x;
      }
      const mean = s / n;
      const variance = s2 / n - mean * mean;
      // 5 standard errors of the sample mean (sd sqrt(a)) and a 10 % band for the variance.
      expect(Math.abs(mean - a)).toBeLessThan(5 * Math.sqrt(a / n));
      expect(Math.abs(variance / a - 1)).toBeLessThan(0.1);
    }
  });

  it('Beta(a, b) has mean a/(a+b), is seeded, and rejects bad shapes with NaN', () => {
    const rng = new Rng(3);
    let s = 0;
    const n = 20_000;
    for (let i = 0; i < n; i++) s += sampleBeta(2, 5, rng);
    const sd = Math.sqrt((2 * 5) / (49 * 8));
    expect(Math.abs(s / n - 2 / 7)).toBeLessThan(5 * (sd / Math.sqrt(n)));
    expect(sampleBeta(2, 5, new Rng(9))).toBe(sampleBeta(2, 5, new Rng(9)));
    expect(sampleGamma(0, new Rng(1))).toBeNaN();
    expect(sampleGamma(Number.NaN, new Rng(1))).toBeNaN();
  });
});
