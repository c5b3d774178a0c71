import { describe, expect, it } from 'vitest';
import { fitIsotonic, predictIsotonic } from './isotonic-regression.js';

describe('isotonic regression (PAV)', () => {
  it('pools adjacent violators, merges tied x, interpolates and clips', () => {
    const fit = fitIsotonic([1, 2, 3, 4, 4], [1, 3, 2, 4, 6]);
    expect([...fit.x]).toEqual([1, 2, 3, 4]);
    expect([...fit.y]).toEqual([1, 2.5, 2.5, 5]);
    expect(predictIsotonic(fit, 0)).toBe(1);
    expect(predictIsotonic(fit, 1.5)).toBe(1.75);
    expect(predictIsotonic(fit, 3.5)).toBe(3.75);
    expect(predictIsotonic(fit, 9)).toBe(5);
  });
  it('a decreasing sequence pools into its mean', () => {
    expect([...fitIsotonic([1, 2, 3], [3, 2, 1]).y]).toEqual([2, 2, 2]);
  });
  it('refuses empty or unequal input', () => {
    expect(() => fitIsotonic([], [])).toThrow(RangeError);
    expect(() => fitIsotonic([1], [1, 2])).toThrow(RangeError);
  });
});
