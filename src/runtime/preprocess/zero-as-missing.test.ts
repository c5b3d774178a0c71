/** The zero_as_missing step: zeros within the tolerance become NaN, everything else passes unchanged. */
import { describe, expect, it } from 'vitest';
import { compileZeroAsMissing } from './zero-as-missing.js';
import { WorkingSet } from './working-set.js';

describe('zero_as_missing', () => {
  it('turns |x| <= tolerance into NaN and keeps other values', () => {
    const step = compileZeroAsMissing({ kind: 'zero_as_missing', column: 'x', tolerance: Math.fround(1e-35) }, 0);
    const work = new WorkingSet(6);
    work.setNumeric('x', Float64Array.from([0, -0, 1e-36, 2e-35, NaN, -3.5]));
    step.apply(work);
    expect(Array.from(work.numeric('x', 'test'))).toEqual([NaN, NaN, NaN, 2e-35, NaN, -3.5]);
  });

  it('rejects a malformed state naming the field', () => {
    expect(() => compileZeroAsMissing({ kind: 'zero_as_missing', column: 'x', tolerance: -1 }, 2)).toThrow(/tolerance/);
    expect(() => compileZeroAsMissing({ kind: 'zero_as_missing', tolerance: 0 }, 2)).toThrow(/column/);
  });
});
