import { describe, expect, it } from 'vitest';
import { columnFromValues } from '../../core/frame-builder.js';
import { encodeTarget, sortLabels } from './target.js';

describe('target encoding', () => {
  it('orders labels as scikit-learn does, with false-like labels first', () => {
    expect(sortLabels(['Yes', 'No'])).toEqual(['No', 'Yes']);
    expect(sortLabels(['10', '9', '100'])).toEqual(['9', '10', '100']);
    expect(sortLabels(['true', 'false'])).toEqual(['false', 'true']);
    expect(sortLabels(['yes', 'no'])).toEqual(['no', 'yes']);
    expect(sortLabels(['1', '0'])).toEqual(['0', '1']);
    expect(sortLabels(['>50K', '<=50K'])).toEqual(['<=50K', '>50K']);
  });

  it('infers binary, multiclass and regression tasks', () => {
    expect(encodeTarget(columnFromValues('y', ['a', 'b', 'a']), 'auto').task).toBe('binary');
    expect(encodeTarget(columnFromValues('y', Array.from({ length: 60 }, (_, i) => i % 3)), 'auto').task).toBe('multiclass');
    expect(encodeTarget(columnFromValues('y', Array.from({ length: 60 }, (_, i) => i * 1.5)), 'auto').task).toBe('regression');
  });

  it('puts --positive-class second', () => {
    const t = encodeTarget(columnFromValues('y', ['No', 'Yes', 'No']), 'binary', 'No');
    expect(t.labels).toEqual(['Yes', 'No']);
    expect(Array.from(t.y)).toEqual([1, 0, 1]);
    expect(() => encodeTarget(columnFromValues('y', ['No', 'Yes']), 'binary', 'Maybe')).toThrow(/not a value/);
  });

  it('rejects missing, non-finite and constant targets naming the row', () => {
    expect(() => encodeTarget(columnFromValues('y', [1, null, 3]), 'auto')).toThrow(/row 2/);
    expect(() => encodeTarget(columnFromValues('y', [1, Infinity, 3]), 'auto')).toThrow(/non-finite.*row 2/);
    expect(() => encodeTarget(columnFromValues('y', ['a', 'a']), 'auto')).toThrow(/constant/);
    expect(() => encodeTarget(columnFromValues('y', ['a', 'b', 'c']), 'binary')).toThrow(/exactly two classes/);
  });
});
