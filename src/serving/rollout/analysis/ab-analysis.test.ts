/** analyzeAb: report shape, every verdict branch, monotone always-valid p across looks, and bad input. */
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../core/errors.js';
import { analyzeAb, type AbAnalysisInput } from './ab-analysis.js';
import { minimumSampleSize } from './minimum-sample-size.js';
import { twoProportionZTest } from './two-proportion-z-test.js';
import { wilsonInterval } from './variant-intervals.js';

const rate = (name: string, successes: number, trials: number, requests = trials): AbAnalysisInput['variants'][number] => ({ name, requests, outcomes: { kind: 'rate', successes, trials } });
const mean = (name: string, m: number, variance: number, n: number): AbAnalysisInput['variants'][number] => ({ name, requests: n, outcomes: { kind: 'mean', mean: m, variance, n } });

describe('analyzeAb', () => {
  it('reports each variant with its interval and the challenger against the control with the same numbers as the tests', () => {
    const r = analyzeAb({ variants: [rate('blue', 1000, 10000, 10400), rate('green', 1150, 10000, 10350)], mde: 0.01 });
    expect(r.kind).toBe('rate');
    expect(r.control).toBe('blue');
    expect(r.variants[0]).toEqual({ name: 'blue', requests: 10400, observations: 10000, metric: 0.1, ci: wilsonInterval({ successes: 1000, trials: 10000 }) });
    const c = r.comparisons[0];
    const z = twoProportionZTest({ successes: 1000, trials: 10000 }, { successes: 1150, trials: 10000 });
    expect(c.difference).toBeCloseTo(0.015, 15);
    expect(c.relativeDifference).toBeCloseTo(0.15, 12);
    expect(c.test).toEqual({ method: 'two-proportion z-test', statistic: z.z, df: null, pValue: z.pValue, ci: z.ci });
    expect(c.sequential?.tau2).toBeCloseTo(1e-4, 18);
    expect(c.minimumSampleSize?.perArm).toBe(minimumSampleSize({ baselineRate: 0.1, minimumDetectableEffect: 0.01 }).control);
    expect(c.verdict).toBe('green better');
    expect(c.sequential!.alwaysValidP).toBeLessThan(0.05);
  });

  it('names the control the winner when the challenger is worse, and respects direction=lower', () => {
    const worse = analyzeAb({ variants: [rate('a', 1200, 10000), rate('b', 1000, 10000)], mde: 0.01 });
    expect(worse.comparisons[0].verdict).toBe('a better');
    const latency = analyzeAb({ variants: [mean('old', 50, 100, 5000), mean('new', 45, 100, 5000)], mde: 1, direction: 'lower' });
    expect(latency.comparisons[0].test?.method).toBe('Welch t-test');
    expect(latency.comparisons[0].verdict).toBe('new better');
  });

  it('keeps running while evidence is thin, even when a peeked fixed-horizon test is significant', () => {
    // z ≈ 2.1 (fixed p ≈ 0.035) but far too little for the always-valid test.
    const r = analyzeAb({ variants: [rate('a', 40, 400), rate('b', 60, 400)], mde: 0.02 });
    const c = r.comparisons[0];
    expect(c.test!.pValue).toBeLessThan(0.05);
    expect(c.sequential!.alwaysValidP).toBeGreaterThan(0.05);
    expect(c.minimumSampleSize!.reached).toBe(false);
    expect(c.verdict).toBe('keep running');
    expect(c.reason).toMatch(/always-valid p/);
  });

  it('says no difference once the always-valid interval excludes the mde', () => {
    const r = analyzeAb({ variants: [mean('a', 10, 1, 200000), mean('b', 10.001, 1, 200000)], mde: 0.05 });
    const c = r.comparisons[0];
    expect(c.sequential!.ci![0]).toBeGreaterThan(-0.05);
    expect(c.sequential!.ci![1]).toBeLessThan(0.05);
    expect(c.verdict).toBe('no difference');
    expect(c.reason).toMatch(/excludes effects/);
  });

  it('says no difference when the planned sample size is reached without significance', () => {
    const n = minimumSampleSize({ baselineRate: 0.2, minimumDetectableEffect: 0.05 }).control;
    const trials = 5 * Math.ceil(n / 5); // a multiple of 5, so the control rate is exactly 0.2
    const r = analyzeAb({ variants: [rate('a', trials / 5, trials), rate('b', trials / 5 + 5, trials)], mde: 0.05 });
    const c = r.comparisons[0];
    expect(c.minimumSampleSize).toEqual({ mde: 0.05, power: 0.8, perArm: n, reached: true });
    expect(c.test!.pValue).toBeGreaterThan(0.05);
    expect(c.verdict).toBe('no difference');
    expect(c.reason).toMatch(/planned/);
  });

  it('keeps running with null statistics before any outcome arrives', () => {
    const r = analyzeAb({ variants: [rate('a', 0, 0, 12), rate('b', 0, 0, 9)] });
    expect(r.variants[0].metric).toBeNull();
    expect(r.variants[0].ci).toBeNull();
    expect(r.mde).toBeNull();
    expect(r.comparisons[0]).toMatchObject({ difference: null, test: null, sequential: null, minimumSampleSize: null, verdict: 'keep running' });
    const means = analyzeAb({ variants: [mean('a', 1, 0, 1), mean('b', 2, 1, 10)] });
    expect(means.comparisons[0].verdict).toBe('keep running');
    expect(means.variants[0].ci).toBeNull();
  });

  it('does not count sequential looks before 30 observations per arm', () => {
    const r = analyzeAb({ variants: [mean('a', 0, 1, 29), mean('b', 5, 1, 400)], mde: 0.5, sequential: { previousPValues: { b: 0.7 } } });
    expect(r.comparisons[0].test!.pValue).toBeLessThan(1e-10);
    expect(r.comparisons[0].sequential).toEqual({ method: 'mSPRT', tau2: 0.25, likelihoodRatio: 1, logLikelihoodRatio: 0, alwaysValidP: 0.7, ci: null, lookCounted: false });
    expect(r.comparisons[0].verdict).toBe('keep running');
    const counted = analyzeAb({ variants: [mean('a', 0, 1, 30), mean('b', 5, 1, 400)], mde: 0.5 });
    expect(counted.comparisons[0].sequential!.lookCounted).toBe(true);
    expect(counted.comparisons[0].verdict).toBe('b better');
  });

  it('defaults mde to 10 % of the control metric and tau2 to mde²; explicit tau2 wins', () => {
    const r = analyzeAb({ variants: [rate('a', 50, 1000), rate('b', 55, 1000)] });
    expect(r.mde).toBeCloseTo(0.005, 15);
    expect(r.comparisons[0].sequential!.tau2).toBeCloseTo(0.005 ** 2, 18);
    const t = analyzeAb({ variants: [rate('a', 50, 1000), rate('b', 55, 1000)], sequential: { tau2: 0.001 } });
    expect(t.comparisons[0].sequential!.tau2).toBe(0.001);
  });

  it('keeps the always-valid p monotone across looks when the caller passes it back', () => {
    const first = analyzeAb({ variants: [rate('a', 100, 1000), rate('b', 140, 1000)], mde: 0.02 });
    const p1 = first.comparisons[0].sequential!.alwaysValidP;
    // The next look regresses towards no effect; its own 1/Λ is larger, the reported p must not rise.
    const second = analyzeAb({ variants: [rate('a', 200, 2000), rate('b', 205, 2000)], mde: 0.02, sequential: { previousPValues: { b: p1 } } });
    expect(second.comparisons[0].sequential!.alwaysValidP).toBe(p1);
    const fresh = analyzeAb({ variants: [rate('a', 200, 2000), rate('b', 205, 2000)], mde: 0.02 });
    expect(fresh.comparisons[0].sequential!.alwaysValidP).toBeGreaterThan(p1);
  });

  it('stays JSON-safe under overwhelming or degenerate evidence (no Infinity, no NaN)', () => {
    const huge = analyzeAb({ variants: [rate('a', 0, 1_000_000), rate('b', 900_000, 1_000_000)], mde: 0.01 });
    const flat = analyzeAb({ variants: [mean('a', 1, 0, 50), mean('b', 2, 0, 50)], mde: 0.5 });
    for (const r of [huge, flat]) expect(JSON.parse(JSON.stringify(r))).toEqual(r);
    expect(huge.comparisons[0].verdict).toBe('b better');
    // Zero variance in both arms gives the mSPRT no sampling distribution: no evidence, not infinite evidence.
    expect(flat.comparisons[0].verdict).toBe('keep running');
    expect(huge.comparisons[0].sequential!.logLikelihoodRatio).toBeGreaterThan(1000);
    expect(flat.comparisons[0].test!.statistic).toBe(Number.MAX_VALUE);
  });

  it('splits alpha across several challengers (Bonferroni) and honours an explicit control', () => {
    const r = analyzeAb({ variants: [rate('x', 100, 1000), rate('ctl', 100, 1000), rate('y', 110, 1000)], control: 'ctl', alpha: 0.1 });
    expect(r.control).toBe('ctl');
    expect(r.comparisons.map((c) => [c.variant, c.control, c.alpha])).toEqual([
      ['x', 'ctl', 0.05],
      ['y', 'ctl', 0.05],
    ]);
  });

  it('rejects malformed input with an InputError naming the field', () => {
    const ok = [rate('a', 1, 10), rate('b', 2, 10)];
    const cases: [unknown, RegExp][] = [
      [null, /must be an object/],
      [{ variants: [rate('a', 1, 10)] }, /at least two variants/],
      [{ variants: 'ab' }, /at least two variants/],
      [{ variants: [rate('a', 1, 10), rate('a', 2, 10)] }, /appears twice/],
      [{ variants: [rate('', 1, 10), rate('b', 2, 10)] }, /variants\[0\]\.name/],
      [{ variants: [rate('a', 11, 10), rate('b', 2, 10)] }, /successes \(11\) exceeds/],
      [{ variants: [rate('a', -1, 10), rate('b', 2, 10)] }, /non-negative integer/],
      [{ variants: [rate('a', 1.5, 10), rate('b', 2, 10)] }, /non-negative integer/],
      [{ variants: [rate('a', 1, 10), mean('b', 2, 1, 10)] }, /variants\[1\]\.outcomes\.kind/],
      [{ variants: [{ name: 'a', requests: 1, outcomes: { kind: 'median' } }, rate('b', 1, 2)] }, /kind must be 'rate' or 'mean'/],
      [{ variants: [mean('a', Number.NaN, 1, 10), mean('b', 1, 1, 10)] }, /outcomes\.mean must be a finite number/],
      [{ variants: [mean('a', 1, -1, 10), mean('b', 1, 1, 10)] }, /variance must be >= 0/],
      [{ variants: [{ ...rate('a', 1, 10), requests: '5' }, rate('b', 1, 10)] }, /requests must be a non-negative integer/],
      [{ variants: ok, control: 'c' }, /control 'c' is not one of the variants/],
      [{ variants: ok, alpha: 1.2 }, /alpha must be a number strictly between 0 and 1/],
      [{ variants: ok, power: 0 }, /power must be/],
      [{ variants: ok, mde: -0.1 }, /mde must be greater than 0/],
      [{ variants: ok, direction: 'up' }, /direction must be/],
      [{ variants: ok, sequential: { tau2: 0 } }, /sequential\.tau2 must be greater than 0/],
      [{ variants: ok, sequential: { previousPValues: { b: 2 } } }, /previousPValues\['b'\] must be in \[0, 1\]/],
      [{ variants: Array.from({ length: 101 }, (_, i) => rate(`v${i}`, 1, 2)) }, /at most 100 variants/],
    ];
    for (const [input, message] of cases) {
      expect(() => analyzeAb(input as AbAnalysisInput), message.source).toThrow(InputError);
      expect(() => analyzeAb(input as AbAnalysisInput)).toThrow(message);
    }
  });
});
