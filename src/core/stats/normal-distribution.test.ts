/** Standard normal CDF and two-sided p-values against SciPy (test/fixtures/scripts/stats_reference.py). */
import { describe, expect, it } from 'vitest';
import { normalCdf, normalSf, normalTwoSidedP } from './normal-distribution.js';

// [z, scipy norm.cdf(z), scipy 2 * norm.sf(|z|)]
const REF: [number, number, number][] = [
  [-8, 6.22096057427174e-16, 1.244192114854348e-15],
  [-3, 0.0013498980316300933, 0.0026997960632601866],
  [-1.5, 0.06680720126885807, 0.13361440253771614],
  [-0.1, 0.460172162722971, 0.920344325445942],
  [0, 0.5, 1.0],
  [0.7, 0.758036347776927, 0.48392730444614607],
  [2, 0.9772498680518208, 0.04550026389635839],
  [5, 0.9999997133484281, 5.733031437583866e-7],
];

describe('normal distribution', () => {
  it('matches SciPy to 1e-12 relative', () => {
    for (const [z, cdf, p] of REF) {
      expect(Math.abs(normalCdf(z) - cdf) / cdf).toBeLessThan(1e-12);
      expect(Math.abs(normalTwoSidedP(z) - p) / p).toBeLessThan(1e-12);
      expect(Math.abs(normalSf(-z) - cdf) / cdf).toBeLessThan(1e-12);
    }
  });
});
