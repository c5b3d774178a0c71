/** The building blocks' contracts beyond the reference values: degenerate data, monotonicity, determinism, bad input. */
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../core/errors.js';
import { Rng } from '../../../core/rng.js';
import { minimumSampleSize } from './minimum-sample-size.js';
import { meanLook, msprtConfidenceInterval, msprtDecision, msprtLikelihoodRatio, msprtLogLikelihoodRatio, msprtPValues, msprtUpdate, rateLook, rateLookUnpooled } from './msprt.js';
import { thompsonAllocation, thompsonPick } from './thompson-sampling.js';
import { twoProportionZTest } from './two-proportion-z-test.js';
import { welchTTest } from './welch-t-test.js';

describe('fixed-horizon tests on degenerate data', () => {
  it('z-test: all-equal outcomes carry no evidence (statsmodels would return NaN)', () => {
    expect(twoProportionZTest({ successes: 0, trials: 50 }, { successes: 0, trials: 70 })).toMatchObject({ z: 0, pValue: 1, diff: 0, ci: [0, 0] });
    expect(twoProportionZTest({ successes: 9, trials: 9 }, { successes: 4, trials: 4 })).toMatchObject({ z: 0, pValue: 1 });
  });

  it('Welch: zero variances give p = 1 for equal means and p = 0 otherwise', () => {
    expect(welchTTest({ mean: 3, variance: 0, n: 5 }, { mean: 3, variance: 0, n: 8 })).toEqual({ diff: 0, ci: [0, 0], t: 0, df: 11, pValue: 1 });
    expect(welchTTest({ mean: 3, variance: 0, n: 5 }, { mean: 2, variance: 0, n: 8 })).toMatchObject({ t: -Infinity, pValue: 0 });
  });

  it('reject malformed samples', () => {
    expect(() => twoProportionZTest({ successes: 1, trials: 0 }, { successes: 0, trials: 3 })).toThrow(/a\.successes \(1\) exceeds/);
    expect(() => twoProportionZTest({ successes: 0, trials: 0 }, { successes: 0, trials: 3 })).toThrow(/a\.trials must be at least 1/);
    expect(() => twoProportionZTest({ successes: 1, trials: 3 }, { successes: 0, trials: 3 }, { alpha: 0 })).toThrow(InputError);
    expect(() => welchTTest({ mean: 1, variance: 1, n: 1 }, { mean: 1, variance: 1, n: 3 })).toThrow(/a\.n must be at least 2/);
    expect(() => welchTTest({ mean: 1, variance: 1, n: 3 }, { mean: Infinity, variance: 1, n: 3 })).toThrow(/b\.mean must be a finite number/);
  });
});

describe('mSPRT', () => {
  const opts = { tau2: 0.01 };

  it('the always-valid p-value never increases and equals the running min of 1/Λ', () => {
    const looks = [0.2, 0.05, 0.3, -0.1, 0.25, 0.02].map((diff, i) => ({ diff, variance: 1 / (10 * (i + 1)) }));
    const ps = msprtPValues(looks, opts);
    let min = 1;
    looks.forEach((look, i) => {
      min = Math.min(min, 1 / msprtLikelihoodRatio(look, opts));
      expect(ps[i]).toBeCloseTo(Math.min(1, min), 15);
      if (i > 0) expect(ps[i]).toBeLessThanOrEqual(ps[i - 1]);
    });
  });

  it('no effect observed means Λ < 1; a zero variance is no evidence rather than infinite evidence', () => {
    expect(msprtLikelihoodRatio({ diff: 0, variance: 0.01 }, opts)).toBeLessThan(1);
    expect(msprtLogLikelihoodRatio({ diff: 0.5, variance: 0 }, opts)).toBe(0);
    expect(msprtConfidenceInterval({ diff: 0.5, variance: 0 }, opts)).toBeNull();
    expect(msprtUpdate(0.3, { diff: 0.5, variance: 0 }, opts).pValue).toBe(0.3);
  });

  it('handles overwhelming evidence in log space without overflow', () => {
    const r = msprtUpdate(1, { diff: 1, variance: 1e-9 }, opts);
    expect(r.logLikelihoodRatio).toBeGreaterThan(1000);
    expect(r.likelihoodRatio).toBe(Infinity);
    expect(r.pValue).toBe(0);
    expect(msprtDecision(r.pValue, 0.05)).toBe('reject');
    expect(msprtDecision(0.2)).toBe('continue');
  });

  it('the always-valid interval is exactly where Λ(θ0) crosses 1/α, and contains 0 iff p > α', () => {
    const look = { diff: 0.08, variance: 0.0009 };
    const ci = msprtConfidenceInterval(look, { tau2: 0.01, alpha: 0.05 })!;
    for (const edge of ci) expect(msprtLikelihoodRatio(look, { tau2: 0.01, theta0: edge })).toBeCloseTo(20, 9);
    const p = msprtUpdate(1, look, { tau2: 0.01 }).pValue;
    expect(ci[0] > 0).toBe(p <= 0.05);
  });

  it('builds looks from rates (pooled and Wald variances) and means', () => {
    const a = { successes: 10, trials: 100 };
    const b = { successes: 30, trials: 200 };
    const pooled = 40 / 300;
    expect(rateLook(a, b).diff).toBeCloseTo(0.05, 15);
    expect(rateLook(a, b).variance).toBeCloseTo(pooled * (1 - pooled) * (1 / 100 + 1 / 200), 15);
    expect(rateLookUnpooled(a, b).variance).toBeCloseTo((0.1 * 0.9) / 100 + (0.15 * 0.85) / 200, 15);
    expect(meanLook({ mean: 1, variance: 4, n: 10 }, { mean: 2, variance: 9, n: 30 })).toEqual({ diff: 1, variance: 0.4 + 0.3 });
  });

  it('rejects bad parameters', () => {
    expect(() => msprtLikelihoodRatio({ diff: 0, variance: 1 }, { tau2: 0 })).toThrow(/tau2 must be greater than 0/);
    expect(() => msprtLikelihoodRatio({ diff: Number.NaN, variance: 1 }, opts)).toThrow(/look\.diff/);
    expect(() => msprtLikelihoodRatio({ diff: 0, variance: -1 }, opts)).toThrow(/look\.variance/);
    expect(() => msprtUpdate(1.5, { diff: 0, variance: 1 }, opts)).toThrow(/previous always-valid p-value/);
    expect(() => msprtDecision(Number.NaN)).toThrow(InputError);
  });
});

describe('minimumSampleSize', () => {
  it('grows with power and shrinks with the effect', () => {
    const base = minimumSampleSize({ baselineRate: 0.1, minimumDetectableEffect: 0.02 });
    expect(minimumSampleSize({ baselineRate: 0.1, minimumDetectableEffect: 0.02, power: 0.9 }).control).toBeGreaterThan(base.control);
    expect(minimumSampleSize({ baselineRate: 0.1, minimumDetectableEffect: 0.04 }).control).toBeLessThan(base.control);
    expect(minimumSampleSize({ baselineRate: 0.1, minimumDetectableEffect: 0.02, twoSided: false }).control).toBeLessThan(base.control);
  });

  it('rejects impossible designs', () => {
    expect(() => minimumSampleSize({ baselineRate: 0.95, minimumDetectableEffect: 0.1 })).toThrow(/not a rate in \[0, 1\]/);
    expect(() => minimumSampleSize({ baselineRate: 0.1, minimumDetectableEffect: 0 })).toThrow(/must not be 0/);
    expect(() => minimumSampleSize({ baselineRate: 0.1, minimumDetectableEffect: 0.01, power: 0.01 })).toThrow(/must exceed alpha/);
    expect(() => minimumSampleSize({ kind: 'mean', standardDeviation: 0, minimumDetectableEffect: 1 })).toThrow(/standardDeviation must be greater than 0/);
    expect(() => minimumSampleSize({ baselineRate: 0.1, minimumDetectableEffect: 0.01, ratio: -1 })).toThrow(/ratio/);
  });
});

describe('Thompson sampling', () => {
  const arms = [
    { successes: 10, failures: 90 },
    { successes: 12, failures: 88 },
    { successes: 2, failures: 30 },
  ];

  it('is reproducible from the seed and differs across seeds', () => {
    expect(thompsonAllocation(arms, { draws: 2000, seed: 11 })).toEqual(thompsonAllocation(arms, { draws: 2000, seed: 11 }));
    expect(thompsonAllocation(arms, { draws: 2000, seed: 11 })).not.toEqual(thompsonAllocation(arms, { draws: 2000, seed: 12 }));
  });

  it('a clearly best arm gets almost all traffic; pick follows the same posterior', () => {
    const lopsided = [
      { successes: 10, failures: 990 },
      { successes: 300, failures: 700 },
    ];
    expect(thompsonAllocation(lopsided, { seed: 1 })[1]).toBe(1);
    const rng = new Rng(5);
    for (let i = 0; i < 50; i++) expect(thompsonPick(lopsided, rng)).toBe(1);
  });

  it('rejects bad arms and options', () => {
    expect(() => thompsonAllocation([], { seed: 1 })).toThrow(/non-empty array/);
    expect(() => thompsonAllocation([{ successes: -1, failures: 0 }], { seed: 1 })).toThrow(/arms\[0\]\.successes/);
    expect(() => thompsonAllocation(arms, { seed: 1, draws: 0 })).toThrow(/draws must be an integer/);
    expect(() => thompsonAllocation(arms, { seed: 1, prior: { alpha: 0, beta: 1 } })).toThrow(/prior\.alpha/);
    expect(() => thompsonPick(arms, new Rng(1), { alpha: 1, beta: -2 })).toThrow(/prior\.beta/);
  });
});
