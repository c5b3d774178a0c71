/**
 * Seeded simulations of the sequential test. With a known effect the always-valid test stops early with
 * the right verdict; on A/A traffic, peeking after every batch keeps its false-positive rate at or below α
 * while the same peeking at a fixed-horizon test does not. Every experiment is seeded, so the counts below
 * are deterministic; the bounds are what a correct α = 0.05 test passes with high probability for any seed.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../core/rng.js';
import { analyzeAb } from './ab-analysis.js';
import { minimumSampleSize } from './minimum-sample-size.js';
import { meanLook, msprtUpdate, rateLook } from './msprt.js';

const ALPHA = 0.05;
/**
 * The largest false-positive count among `experiments` that is consistent with a true rate of α:
 * α + 2.33 standard errors, the one-sided 99 % binomial upper limit (500 experiments → 7.3 %).
 */
function fprBound(experiments: number): number {
  return ALPHA + 2.33 * Math.sqrt((ALPHA * (1 - ALPHA)) / experiments);
}

interface RateRun {
  verdict: string;
  stoppedAt: number;
}

/** One simulated rate experiment analyzed by analyzeAb after every `step` users per arm, stopping at the first verdict. */
function rateExperiment(rng: Rng, pA: number, pB: number, step: number, maxLooks: number, mde: number): RateRun {
  let sa = 0;
  let sb = 0;
  let n = 0;
  let previous = 1;
  for (let look = 0; look < maxLooks; look++) {
    for (let i = 0; i < step; i++) {
      if (rng.next() < pA) sa++;
      if (rng.next() < pB) sb++;
    }
    n += step;
    const report = analyzeAb({
      variants: [
        { name: 'A', requests: n, outcomes: { kind: 'rate', successes: sa, trials: n } },
        { name: 'B', requests: n, outcomes: { kind: 'rate', successes: sb, trials: n } },
      ],
      alpha: ALPHA,
      mde,
      sequential: { previousPValues: { B: previous } },
    });
    const c = report.comparisons[0];
    previous = c.sequential!.alwaysValidP;
    if (c.verdict !== 'keep running') return { verdict: c.verdict, stoppedAt: n };
  }
  return { verdict: 'keep running', stoppedAt: n };
}

function tally(runs: RateRun[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of runs) out[r.verdict] = (out[r.verdict] ?? 0) + 1;
  return out;
}

describe('sequential A/B test on simulated traffic', () => {
  it('A/A rates: peeking every 100 users for 100 looks keeps the mSPRT at or below alpha; a peeked z-test is not', () => {
    const rng = new Rng(20261204);
    const experiments = 500;
    let sequentialHits = 0;
    let naiveHits = 0;
    for (let e = 0; e < experiments; e++) {
      let sa = 0;
      let sb = 0;
      let n = 0;
      let p = 1;
      let naive = false;
      for (let look = 0; look < 100; look++) {
        for (let i = 0; i < 100; i++) {
          if (rng.next() < 0.1) sa++;
          if (rng.next() < 0.1) sb++;
        }
        n += 100;
        const l = rateLook({ successes: sa, trials: n }, { successes: sb, trials: n });
        p = msprtUpdate(p, l, { tau2: 0.02 ** 2 }).pValue;
        if (Math.abs(l.diff) / Math.sqrt(l.variance) > 1.959963984540054) naive = true;
      }
      if (p <= ALPHA) sequentialHits++;
      if (naive) naiveHits++;
    }
    expect(sequentialHits / experiments).toBeLessThanOrEqual(fprBound(experiments));
    // The same looks with a fixed-horizon test: the inflation this test exists to prevent (theory: ~0.4 for 100 looks).
    expect(naiveHits / experiments).toBeGreaterThan(0.25);
  });

  it('A/A means with plug-in variances: at or below alpha over 60 looks', () => {
    const rng = new Rng(7);
    const experiments = 500;
    let hits = 0;
    for (let e = 0; e < experiments; e++) {
      const acc = [
        [0, 0, 0],
        [0, 0, 0],
      ];
      let p = 1;
      for (let look = 0; look < 60; look++) {
        for (let i = 0; i < 30; i++) {
          for (const a of acc) {
            const x = 40 + 8 * rng.normal();
            a[0]++;
            a[1] += x;
            a[2] += x * x;
          }
        }
        const [A, B] = acc.map(([n, s1, s2]) => ({ n, mean: s1 / n, variance: (s2 - (s1 * s1) / n) / (n - 1) }));
        p = msprtUpdate(p, meanLook(A, B), { tau2: 4 }).pValue;
      }
      if (p <= ALPHA) hits++;
    }
    expect(hits / experiments).toBeLessThanOrEqual(fprBound(experiments));
  });

  it('A/A rates through analyzeAb: few wrong winners, and most experiments end "no difference"', () => {
    const rng = new Rng(99);
    const runs = Array.from({ length: 300 }, () => rateExperiment(rng, 0.1, 0.1, 250, 40, 0.02));
    const t = tally(runs);
    const winners = (t['A better'] ?? 0) + (t['B better'] ?? 0);
    expect(winners / runs.length).toBeLessThanOrEqual(fprBound(runs.length));
    expect((t['no difference'] ?? 0) / runs.length).toBeGreaterThan(0.9);
  });

  it('a real effect of twice the mde is found with the right sign, before the fixed-horizon sample size', () => {
    const planned = minimumSampleSize({ baselineRate: 0.1, minimumDetectableEffect: 0.02 }).control;
    const rng = new Rng(3);
    const up = Array.from({ length: 100 }, () => rateExperiment(rng, 0.1, 0.14, 100, 200, 0.02));
    const down = Array.from({ length: 100 }, () => rateExperiment(rng, 0.14, 0.1, 100, 200, 0.02));
    expect(tally(up)['B better'] ?? 0).toBeGreaterThanOrEqual(97);
    expect(tally(up)['A better'] ?? 0).toBe(0);
    expect(tally(down)['A better'] ?? 0).toBeGreaterThanOrEqual(97);
    expect(tally(down)['B better'] ?? 0).toBe(0);
    const meanStop = up.reduce((s, r) => s + r.stoppedAt, 0) / up.length;
    expect(meanStop).toBeLessThan(planned);
  });

  it('an effect of exactly the mde: the right winner about as often as the planned power, never the wrong one', () => {
    const rng = new Rng(5);
    const runs = Array.from({ length: 100 }, () => rateExperiment(rng, 0.1, 0.12, 200, 200, 0.02));
    const t = tally(runs);
    // Power 0.8 at the planned size; 3 standard errors (0.04 each) below it.
    expect((t['B better'] ?? 0) / runs.length).toBeGreaterThanOrEqual(0.68);
    expect(t['A better'] ?? 0).toBe(0);
    expect(t['keep running'] ?? 0).toBe(0);
  });
});
