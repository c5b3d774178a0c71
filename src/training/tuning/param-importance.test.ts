/** Parameter importance against numpy reference values (test/fixtures/scripts/tuning_importance_reference.py). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { TrialRecord } from '../../ml/tuning/sampler.js';
import { parseSearchSpace } from '../../ml/tuning/search-space.js';
import { correlationRatio, parameterImportance } from './param-importance.js';

interface Case {
  x: { lr: number[]; leaves: number[]; kind: string[]; noise: number[] };
  y: number[];
  eta2: Record<string, number>;
  importance: Record<string, number>;
}
const ref = JSON.parse(readFileSync('test/fixtures/tuning/importance-reference.json', 'utf8')) as { cases: Case[] };

const space = parseSearchSpace({
  lr: { type: 'float', low: 1e-3, high: 1, log: true },
  leaves: { type: 'int', low: 2, high: 8 },
  kind: { type: 'categorical', choices: ['a', 'b', 'c'] },
  noise: { type: 'float', low: 0, high: 1 },
});

describe('parameter importance', () => {
  ref.cases.forEach((c, k) => {
    it(`matches numpy's correlation ratios and shares (case ${k}, ${c.y.length} trials)`, () => {
      expect(correlationRatio(c.x.lr, c.y, false)).toBeCloseTo(c.eta2.lr, 12);
      expect(correlationRatio(c.x.leaves, c.y, false)).toBeCloseTo(c.eta2.leaves, 12);
      expect(correlationRatio(c.x.kind, c.y, true)).toBeCloseTo(c.eta2.kind, 12);
      expect(correlationRatio(c.x.noise, c.y, false)).toBeCloseTo(c.eta2.noise, 12);
      // Failed and pruned trials do not count; categoricals are keyed by their JSON.
      const trials: TrialRecord[] = c.y.map((value, i) => ({
        number: i,
        params: { lr: c.x.lr[i], leaves: c.x.leaves[i], kind: c.x.kind[i], noise: c.x.noise[i] },
        state: 'complete',
        value,
        intermediate: new Map(),
      }));
      trials.push({ number: 999, params: { lr: 0.5, leaves: 2, kind: 'a', noise: 0.5 }, state: 'pruned', value: -1e9, intermediate: new Map() });
      const imp = parameterImportance(space, trials);
      for (const name of ['lr', 'leaves', 'kind', 'noise']) expect(imp[name]).toBeCloseTo(c.importance[name], 12);
    });
  });

  it('the strongest effect ranks first on the largest case', () => {
    const c = ref.cases[ref.cases.length - 1];
    const sorted = Object.entries(c.importance).sort((a, b) => b[1] - a[1]);
    expect(sorted[0][0]).toBe('lr');
    expect(sorted[sorted.length - 1][0]).toBe('noise');
  });

  it('is 0 with fewer than 4 trials or a constant objective', () => {
    expect(correlationRatio([1, 2, 3], [1, 2, 3], false)).toBe(0);
    expect(correlationRatio([1, 2, 3, 4, 5], [2, 2, 2, 2, 2], false)).toBe(0);
    const imp = parameterImportance(space, []);
    expect(imp).toEqual({ lr: 0, leaves: 0, kind: 0, noise: 0 });
  });
});
