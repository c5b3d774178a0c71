/** The truncation masses of TPE's Parzen kernels: the fast erfc against core/stats' normal CDF. */
import { describe, expect, it } from 'vitest';
import { normalCdf, normalSf } from '../../core/stats/normal-distribution.js';
import { normalMass } from './tpe-sampler.js';

describe('normalMass', () => {
  it('matches the normal CDF to 5e-6 relative (1.2e-7 per tail), in the middle and deep in both tails', () => {
    const cases: [number, number][] = [[-1, 1], [-0.3, 2.5], [0, 0.1], [1, 3], [4, 6], [-7, -5], [8, 20], [-20, -8.5], [-12, 12], [-2, 40]];
    for (const [a, b] of cases) {
      const exact = a >= 0 ? normalSf(a) - normalSf(b) : b <= 0 ? normalCdf(b) - normalCdf(a) : normalCdf(b) - normalCdf(a);
      const got = normalMass(a, b);
      expect(Math.abs(got - exact) / exact, `[${a}, ${b}]`).toBeLessThan(5e-6);
    }
  });
});
