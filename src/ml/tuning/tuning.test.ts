/** Search spaces, samplers (random, grid, TPE) and pruners (median, successive halving, hyperband). */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../core/errors.js';
import { Rng } from '../../core/rng.js';
import { createGridSampler, enumerateGrid } from './grid-sampler.js';
import { createHyperbandPruner, createMedianPruner, createSuccessiveHalvingPruner } from './pruner.js';
import { randomSampler } from './random-sampler.js';
import type { Direction, Sampler, TrialRecord } from './sampler.js';
import { parseSearchSpace } from './search-space.js';
import type { ParamValues, SearchSpace } from './search-space.js';
import { createTpeSampler, tpeGamma, tpeWeights } from './tpe-sampler.js';

const space = parseSearchSpace({
  x: { type: 'float', low: -5, high: 5 },
  lr: { type: 'float', low: 1e-4, high: 1, log: true },
  depth: { type: 'int', low: 1, high: 12 },
  kind: { type: 'categorical', choices: ['a', 'b', 'c'] },
  extra: { type: 'int', low: 1, high: 100, log: true, when: { param: 'kind', in: ['c'] } },
});

/** A smooth objective with a known minimum: x = 1.5, lr = 0.01, depth = 6, kind = "b". */
function objective(p: ParamValues): number {
  const x = p.x as number;
  const lr = p.lr as number;
  const d = p.depth as number;
  return (x - 1.5) ** 2 + (Math.log10(lr) + 2) ** 2 + 0.1 * (d - 6) ** 2 + (p.kind === 'b' ? 0 : 1);
}

function runStudy(sampler: Sampler, seed: number, n: number, s: SearchSpace = space, direction: Direction = 'minimize'): TrialRecord[] {
  const rng = new Rng(seed);
  const trials: TrialRecord[] = [];
  for (let i = 0; i < n; i++) {
    const params = sampler.sample(s, trials, direction, rng);
    if (!params) break;
    trials.push({ number: i, params, state: 'complete', value: objective(params), intermediate: new Map() });
  }
  return trials;
}

describe('search space', () => {
  const bad: [unknown, RegExp][] = [
    [{}, /empty/],
    [{ a: { type: 'float', low: 2, high: 1 } }, /"a": empty range/],
    [{ a: { type: 'float', low: 0, high: 1, log: true } }, /"a": log scale needs a positive low/],
    [{ a: { type: 'int', low: 0.5, high: 3 } }, /int bounds/],
    [{ a: { type: 'categorical', choices: [] } }, /non-empty/],
    [{ a: { type: 'float', low: 0, high: 1, when: { param: 'b', in: [1] } } }, /earlier parameter/],
    [{ a: { type: 'float', low: 0, high: 1, color: 'red' } }, /unknown field "color"/],
    [{ learningRate: { type: 'float', low: 0, high: 1 }, nope: { type: 'int', low: 1, high: 2 } }, /"nope": unknown parameter/],
  ];
  for (const [doc, msg] of bad) {
    it(`refuses ${JSON.stringify(doc)}`, () => {
      expect(() => parseSearchSpace(doc, ['learningRate'])).toThrow(UsageError);
      expect(() => parseSearchSpace(doc, doc && typeof doc === 'object' && 'nope' in doc ? ['learningRate'] : undefined)).toThrow(msg);
    });
  }
  it('refuses own-property tricks', () => {
    expect(() => parseSearchSpace(JSON.parse('{"__proto__": {"type": "int", "low": 1, "high": 2}}'), ['learningRate'])).toThrow(/unknown parameter/);
  });
});

describe('random sampler', () => {
  it('respects bounds, scales, integers and conditions', () => {
    const trials = runStudy(randomSampler, 1, 400);
    for (const t of trials) {
      const p = t.params;
      expect(p.x as number).toBeGreaterThanOrEqual(-5);
      expect(p.x as number).toBeLessThanOrEqual(5);
      expect(Number.isInteger(p.depth)).toBe(true);
      expect('extra' in p).toBe(p.kind === 'c');
      if (p.kind === 'c') expect(Number.isInteger(p.extra) && (p.extra as number) >= 1 && (p.extra as number) <= 100).toBe(true);
    }
    // Log-uniform: about half the draws of lr fall below 10^-2 (the geometric midpoint of [1e-4, 1]).
    const below = trials.filter((t) => (t.params.lr as number) < 0.01).length / trials.length;
    expect(below).toBeGreaterThan(0.4);
    expect(below).toBeLessThan(0.6);
    expect(new Set(trials.map((t) => t.params.depth)).size).toBe(12);
  });

  it('is deterministic for a seed', () => {
    expect(runStudy(randomSampler, 5, 20)).toEqual(runStudy(randomSampler, 5, 20));
  });
});

describe('TPE', () => {
  it('uses Optuna default gamma and weights', () => {
    expect([1, 10, 11, 100, 500].map(tpeGamma)).toEqual([1, 1, 2, 10, 25]);
    expect(Array.from(tpeWeights(3))).toEqual([1, 1, 1]);
    // numpy: concatenate([linspace(1/27, 1, 2), ones(25)])
    const w = tpeWeights(27);
    expect(w[0]).toBeCloseTo(1 / 27, 15);
    expect(w[1]).toBe(1);
    expect(w[26]).toBe(1);
  });

  it('beats random search on a smooth objective (median best over seeds)', () => {
    const best = (s: Sampler, seed: number): number => Math.min(...runStudy(s, seed, 60).map((t) => t.value as number));
    const seeds = [1, 2, 3, 4, 5, 6, 7];
    const med = (xs: number[]): number => xs.sort((a, b) => a - b)[xs.length >> 1];
    const tpe = med(seeds.map((s) => best(createTpeSampler(), s)));
    const rnd = med(seeds.map((s) => best(randomSampler, s)));
    expect(tpe).toBeLessThan(rnd);
    expect(tpe).toBeLessThan(0.5);
  });

  it('is deterministic and keeps conditional parameters conditional', () => {
    const a = runStudy(createTpeSampler(), 9, 40);
    expect(runStudy(createTpeSampler(), 9, 40)).toEqual(a);
    for (const t of a) expect('extra' in t.params).toBe(t.params.kind === 'c');
  });
});

describe('grid sampler', () => {
  const small = parseSearchSpace({ a: { type: 'int', low: 1, high: 3 }, b: { type: 'categorical', choices: ['x', 'y'] }, c: { type: 'float', low: 0, high: 0.2, step: 0.1, when: { param: 'b', in: ['y'] } } });
  it('enumerates every combination once, then stops', () => {
    expect(enumerateGrid(small)).toHaveLength(3 * (1 + 3));
    const trials = runStudy(createGridSampler(3), 0, 100, small);
    expect(trials).toHaveLength(12);
    expect(new Set(trials.map((t) => JSON.stringify(t.params))).size).toBe(12);
    expect(trials.map((t) => t.params.c).filter((c) => c !== undefined).sort()).toEqual([0, 0, 0, 0.1, 0.1, 0.1, 0.2, 0.2, 0.2]);
  });
  it('needs a step for floats', () => {
    expect(() => enumerateGrid(parseSearchSpace({ f: { type: 'float', low: 0, high: 1 } }))).toThrow(/needs a "step"/);
  });
});

describe('pruners', () => {
  const done = (n: number, values: number[]): TrialRecord => ({ number: n, params: {}, state: 'complete', value: values.at(-1) ?? null, intermediate: new Map(values.map((v, i) => [i + 1, v])) });
  const running: TrialRecord = { number: 99, params: {}, state: 'running', value: null, intermediate: new Map() };

  it('median: prunes below the median of finished trials after the startup trials', () => {
    const p = createMedianPruner();
    const finished = [0.6, 0.7, 0.8, 0.9, 0.95].map((v, i) => done(i, [v, v]));
    expect(p.shouldPrune(running, 1, 0.75, finished, 'maximize')).toBe(true);
    expect(p.shouldPrune(running, 1, 0.85, finished, 'maximize')).toBe(false);
    expect(p.shouldPrune(running, 1, 0.1, finished.slice(0, 4), 'maximize')).toBe(false);
    expect(p.shouldPrune(running, 1, 0.75, finished, 'minimize')).toBe(false);
  });

  it('successive halving: keeps the top 1/eta at each rung', () => {
    const p = createSuccessiveHalvingPruner({ minResource: 1, reductionFactor: 3 });
    const others = [0.9, 0.8, 0.7, 0.6, 0.5].map((v, i) => done(i, [v, v, v]));
    expect(p.shouldPrune(running, 1, 0.85, others, 'maximize')).toBe(false); // 2nd of 6: top 2 continue
    expect(p.shouldPrune(running, 1, 0.75, others, 'maximize')).toBe(true);
    expect(p.shouldPrune(running, 2, 0.1, others, 'maximize')).toBe(false); // not a rung
  });

  it('hyperband: trials compete within their bracket only', () => {
    const p = createHyperbandPruner({ minResource: 1, maxResource: 9, reductionFactor: 3 });
    const others = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4].map((v, i) => done(i * 3, [v, v, v, v, v, v, v, v, v]));
    expect(p.shouldPrune({ ...running, number: 30 }, 1, 0.1, others, 'maximize')).toBe(true);
    expect(p.shouldPrune({ ...running, number: 31 }, 1, 0.1, others, 'maximize')).toBe(false);
  });
});
