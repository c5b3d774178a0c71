import { describe, expect, it } from 'vitest';
import { compareHolds, ExpressionScanner, expressionText, NUMBER_TOKEN } from './expression-scanner.js';

describe('ExpressionScanner', () => {
  it('takes sticky tokens, skips blanks and reports the 1-based position with a caret', () => {
    const sc = new ExpressionScanner('ab  12x', 'rule', 'Write it right.', { extra: 1 });
    expect(sc.take(/[a-z]+/y)).toBe('ab');
    sc.skip();
    expect(sc.take(NUMBER_TOKEN)).toBe('12');
    expect(sc.atEnd()).toBe(false);
    expect(sc.peek()).toBe('x');
    let error: unknown;
    try {
      sc.fail('unexpected "x"');
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ message: 'rule: unexpected "x" at position 7\n  ab  12x\n        ^', details: { field: 'rule', extra: 1, position: 7 } });
  });
  it('refuses non-strings and over-long text', () => {
    expect(() => expressionText(3, 'rule', 10, 'a < 1')).toThrow(/rule must be a string like "a < 1"/);
    expect(() => expressionText('x'.repeat(11), 'rule', 10, 'a < 1')).toThrow(/longer than 10/);
  });
  it('compares with every operator', () => {
    expect([compareHolds('>=', 1, 1), compareHolds('<=', 2, 1), compareHolds('>', 2, 1), compareHolds('<', 1, 1), compareHolds('==', 1, 1), compareHolds('!=', 1, 1)]).toEqual([true, false, true, false, true, false]);
  });
});
