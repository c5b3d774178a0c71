/** parseGbdtParams: defaults, validation messages that name the parameter, suggestions. */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../core/errors.js';
import { GBDT_DEFAULTS, parseGbdtParams } from './gbdt-params.js';

describe('parseGbdtParams', () => {
  it('fills defaults and keeps given values', () => {
    const p = parseGbdtParams({ maxLeaves: 63, objective: 'binary' });
    expect(p.maxLeaves).toBe(63);
    expect(p.objective).toBe('binary');
    expect(p.learningRate).toBe(GBDT_DEFAULTS.learningRate);
    expect(p.numTrees).toBe(500);
    expect(p.lambdaL2).toBe(1);
  });

  it('suggests the closest name for an unknown parameter', () => {
    expect(() => parseGbdtParams({ maxLeafs: 3 })).toThrow(/unknown gbdt parameter "maxLeafs"; did you mean "maxLeaves"/);
    expect(() => parseGbdtParams({ learning_rate: 0.1 })).toThrow(/did you mean "learningRate"/);
    expect(() => parseGbdtParams({ zzz: 1 })).toThrow(UsageError);
  });

  it('rejects out-of-range and mistyped values naming the parameter', () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ maxBins: 256 }, /maxBins must be in \[2, 255\]; got 256/],
      [{ learningRate: 0 }, /learningRate must be in \(0, 10\]/],
      [{ maxLeaves: 2.5 }, /maxLeaves must be an integer/],
      [{ subsample: 1.5 }, /subsample/],
      [{ numTrees: '10' }, /numTrees must be a finite number/],
      [{ objective: 'poisson' }, /objective must be one of/],
      [{ maxDepth: 0 }, /maxDepth must be -1/],
      [{ evalTrain: 'yes' }, /evalTrain must be true or false/],
    ];
    for (const [raw, re] of cases) {
      let err: unknown;
      try {
        parseGbdtParams(raw);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(UsageError);
      expect((err as UsageError).message).toMatch(re);
      expect((err as UsageError).details.field).toBe(Object.keys(raw)[0]);
    }
  });
});
