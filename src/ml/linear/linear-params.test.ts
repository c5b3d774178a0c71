/** parseLinearParams: defaults, coercion and errors. */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../core/errors.js';
import { LINEAR_DEFAULTS, parseLinearParams } from './linear-params.js';

describe('parseLinearParams', () => {
  it('fills scikit-learn defaults', () => {
    expect(parseLinearParams('ridge', {}).alpha).toBe(1);
    expect(parseLinearParams('elasticnet', {}).l1Ratio).toBe(0.5);
    const lr = parseLinearParams('logistic', {});
    expect([lr.C, lr.penalty, lr.tol, lr.maxIter, lr.fitIntercept, lr.classWeight, lr.multiClass]).toEqual([1, 'l2', 1e-4, 200, true, null, 'multinomial']);
    expect(LINEAR_DEFAULTS.lasso.maxIter).toBe(1000);
  });

  it('accepts CLI-style strings', () => {
    const p = parseLinearParams('logistic', { C: '0.5', fitIntercept: 'false', maxIter: '50', classWeight: 'balanced' });
    expect([p.C, p.fitIntercept, p.maxIter, p.classWeight]).toEqual([0.5, false, 50, 'balanced']);
    expect(parseLinearParams('logistic', { classWeight: { '0': 1, '1': '3' } }).classWeight).toEqual({ 0: 1, 1: 3 });
  });

  it('suggests the closest name for unknown parameters', () => {
    expect(() => parseLinearParams('lasso', { alhpa: 1 })).toThrow(UsageError);
    expect(() => parseLinearParams('lasso', { alhpa: 1 })).toThrow(/did you mean 'alpha'/);
    expect(() => parseLinearParams('elasticnet', { l1_ratio: 0.2 })).toThrow(/did you mean 'l1Ratio'/);
    expect(() => parseLinearParams('logistic', { max_iter: 5 })).toThrow(/did you mean 'maxIter'/);
    expect(() => parseLinearParams('linear', { alpha: 1 })).toThrow(/linear has no parameter 'alpha'/);
  });

  it('rejects out-of-range and mistyped values, naming the parameter', () => {
    const bad: [Parameters<typeof parseLinearParams>[0], Record<string, unknown>, RegExp][] = [
      ['ridge', { alpha: -0.1 }, /alpha must be >= 0/],
      ['elasticnet', { l1Ratio: 1.5 }, /l1Ratio must be in \[0, 1\]/],
      ['logistic', { C: 0 }, /C must be > 0/],
      ['logistic', { penalty: 'l3' }, /penalty must be one of/],
      ['lasso', { maxIter: 2.5 }, /maxIter must be an integer >= 1/],
      ['lasso', { tol: 'abc' }, /tol must be a finite number/],
      ['logistic', { classWeight: { a: 1 } }, /classWeight key 'a'/],
      ['logistic', { classWeight: { 0: -1 } }, /classWeight\[0\] must be >= 0/],
      ['logistic', { multiClass: 'auto' }, /multiClass must be one of/],
      ['ridge', { fitIntercept: 'yes' }, /fitIntercept must be true or false/],
    ];
    for (const [algo, raw, re] of bad) {
      expect(() => parseLinearParams(algo, raw)).toThrow(UsageError);
      expect(() => parseLinearParams(algo, raw)).toThrow(re);
    }
  });
});
