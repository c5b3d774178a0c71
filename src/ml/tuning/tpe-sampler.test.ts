/** TPE internals: the truncation masses (fast erfc against core/stats' normal CDF) and multivariate sampling. */
import { describe, expect, it } from 'vitest';
import { normalCdf, normalSf } from '../../core/stats/normal-distribution.js';
import { Rng } from '../../core/rng.js';
import type { TrialRecord } from './sampler.js';
import { parseSearchSpace } from './search-space.js';
import type { ParamValues } from './search-space.js';
import { createTpeSampler, normalMass } from './tpe-sampler.js';

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

describe('multivariate TPE', () => {
  const space = parseSearchSpace({
    x: { type: 'float', low: -3, high: 3 },
    y: { type: 'float', low: -3, high: 3 },
    lr: { type: 'float', low: 1e-4, high: 1, log: true },
    depth: { type: 'int', low: 1, high: 12 },
    kind: { type: 'categorical', choices: ['a', 'b', 'c'] },
    extra: { type: 'int', low: 1, high: 9, when: { param: 'kind', in: ['c'] } },
  });
  /** A narrow diagonal valley: x and y only pay off together. */
  const objective = (p: ParamValues): number => 10 * ((p.x as number) - (p.y as number)) ** 2 + ((p.x as number) + (p.y as number) - 2) ** 2 + (Math.log10(p.lr as number) + 2) ** 2 + (p.kind === 'b' ? 0 : 0.5);

  function study(multivariate: boolean, seed: number, n: number): TrialRecord[] {
    const sampler = createTpeSampler({ multivariate });
    const rng = new Rng(seed);
    const trials: TrialRecord[] = [];
    for (let i = 0; i < n; i++) {
      const params = sampler.sample(space, trials, 'minimize', rng) as ParamValues;
      trials.push({ number: i, params, state: 'complete', value: objective(params), intermediate: new Map() });
    }
    return trials;
  }

  it('keeps bounds, integers, choices and conditions, and is deterministic for a seed', () => {
    const a = study(true, 4, 60);
    expect(study(true, 4, 60)).toEqual(a);
    for (const t of a) {
      expect(Math.abs(t.params.x as number)).toBeLessThanOrEqual(3);
      expect(t.params.lr as number).toBeGreaterThanOrEqual(1e-4);
      expect(Number.isInteger(t.params.depth)).toBe(true);
      expect(['a', 'b', 'c']).toContain(t.params.kind);
      expect('extra' in t.params).toBe(t.params.kind === 'c');
    }
    expect(study(false, 4, 60)).not.toEqual(a);
  });

  it('finds a correlated optimum at least as well as univariate TPE (median best over seeds)', () => {
    const best = (ts: TrialRecord[]): number => Math.min(...ts.map((t) => t.value as number));
    const med = (xs: number[]): number => xs.sort((p, q) => p - q)[xs.length >> 1];
    const seeds = [1, 2, 3, 4, 5, 6, 7];
    const joint = med(seeds.map((s) => best(study(true, s, 60))));
    const indep = med(seeds.map((s) => best(study(false, s, 60))));
    expect(joint).toBeLessThanOrEqual(indep);
  });
});
