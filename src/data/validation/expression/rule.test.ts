/** The row-rule language: precedence, null semantics, typing, and errors that name columns and positions. */
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../core/errors.js';
import { frameFromRecords } from '../../../core/frame-builder.js';
import { evaluateRule, ruleColumns } from './rule-evaluator.js';
import { parseRule } from './rule-parser.js';

const frame = frameFromRecords(
  [
    { a: 1, b: 2, c: 3, s: 'x', flag: true, start: '2024-01-01', end: '2024-01-05', 'unit price': 10 },
    { a: 5, b: null, c: 0, s: 'refund', flag: false, start: '2024-02-01', end: '2024-01-05', 'unit price': -1 },
    { a: -2, b: 4, c: 2, s: null, flag: null, start: null, end: '2024-03-01', 'unit price': 3 },
  ],
  {
    fields: [
      { name: 'a', type: 'numeric', nullable: false },
      { name: 'b', type: 'numeric', nullable: true },
      { name: 'c', type: 'numeric', nullable: false },
      { name: 's', type: 'categorical', nullable: true },
      { name: 'flag', type: 'boolean', nullable: true },
      { name: 'start', type: 'timestamp', nullable: true },
      { name: 'end', type: 'timestamp', nullable: false },
      { name: 'unit price', type: 'numeric', nullable: false },
    ],
  },
);

/** Evaluate to an array of true/false/null per row. */
const run = (rule: string): (boolean | null)[] => Array.from(evaluateRule(parseRule(rule), frame, rule), (t) => (t === 2 ? null : t === 1));

function errorOf(fn: () => unknown): InputError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return err as InputError;
  }
  throw new Error('expected an InputError');
}

describe('rule language', () => {
  it('respects arithmetic precedence and left associativity', () => {
    expect(run('a + b * c == 7')).toEqual([true, null, false]);
    expect(run('(a + 1) * 2 == 4')).toEqual([true, false, false]);
    expect(run('a - 1 - 1 == -1')).toEqual([true, false, false]);
    expect(run('a / 2 / 2 == 0.25')).toEqual([true, false, false]);
    expect(run('-a == 2')).toEqual([false, false, true]);
  });
  it('binds not looser than comparisons and and tighter than or', () => {
    expect(run('not a > 2')).toEqual([true, false, true]);
    expect(run('a > 2 or a < 0 and c == 2')).toEqual([false, true, true]);
    expect(run('(a > 2 or a < 0) and c == 0')).toEqual([false, true, false]);
    expect(run('a == 1 or a == 5 and s == "nope"')).toEqual([true, false, false]);
  });
  it('uses three-valued logic: null comparisons pass unless tested explicitly', () => {
    expect(run('b > 0')).toEqual([true, null, true]);
    expect(run('b > 0 and a > 100')).toEqual([false, false, false]);
    expect(run('b > 100 or a > 0')).toEqual([true, true, false]);
    expect(run('not b > 0')).toEqual([false, null, false]);
    expect(run('b is null')).toEqual([false, true, false]);
    expect(run('b is not null')).toEqual([true, false, true]);
    expect(run('a == null')).toEqual([null, null, null]);
    expect(run('a / c > 0')).toEqual([true, null, false]);
    expect(run('flag == true')).toEqual([true, false, null]);
  });
  it('compares strings, categories, in-lists and timestamps', () => {
    expect(run('a > 0 or s == "refund"')).toEqual([true, true, null]);
    expect(run("s in ('x', 'y')")).toEqual([true, false, null]);
    expect(run('s not in ("x")')).toEqual([false, true, null]);
    expect(run('a in (1, -2)')).toEqual([true, false, true]);
    expect(run('end >= start')).toEqual([true, false, null]);
    expect(run('end > "2024-02-01"')).toEqual([false, false, true]);
    expect(run('`unit price` > 0')).toEqual([true, false, true]);
    expect(run('a > 0 AND c > 0 Or FALSE')).toEqual([true, false, false]);
  });
  it('lists the columns it uses', () => {
    expect(ruleColumns(parseRule('a + b > `unit price` or s is null'))).toEqual(['a', 'b', 'unit price', 's']);
  });
  it('reports parse errors with positions', () => {
    expect(errorOf(() => parseRule('a >')).message).toContain('unexpected end of rule at position 3');
    expect(errorOf(() => parseRule('a = 1')).message).toContain('unexpected "=" at position 2');
    expect(errorOf(() => parseRule('a > 1 b')).message).toContain('unexpected "b" at position 6');
    expect(errorOf(() => parseRule('(a > 1')).message).toContain('expected ")" but found end of rule at position 6');
    expect(errorOf(() => parseRule('a < b < c')).message).toContain('comparisons cannot be chained');
    expect(errorOf(() => parseRule('s == "open')).message).toContain('unterminated string at position 5');
    expect(errorOf(() => parseRule('a $ 1')).message).toContain('unexpected character "$" at position 2');
    expect(errorOf(() => parseRule('a is 1')).message).toContain('expected "null" after "is"');
    expect(errorOf(() => parseRule('a in (b)')).message).toContain('takes only number, string or boolean literals');
  });
  it('reports unknown columns and type errors by name', () => {
    const e = errorOf(() => run('amount > 0'));
    expect(e.message).toContain('unknown column "amount" at position 0');
    expect(e.hint).toContain('unit price');
    expect(errorOf(() => run('s > 1')).message).toContain('cannot compare string with number');
    expect(errorOf(() => run('a + 1')).message).toContain('must be a condition');
    expect(errorOf(() => run('a and b > 1')).message).toContain('"and" needs conditions');
    expect(errorOf(() => run('s + 1 > 0')).message).toContain('"+" needs numbers');
  });
});
