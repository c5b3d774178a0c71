/**
 * compilePipeline on hand-written states: malformed bundles are rejected with InputErrors that name the
 * step and field; required inputs are only those the steps read; kernels behave on edge values.
 */
import { describe, expect, it } from 'vitest';
import { InputError } from '../../core/errors.js';
import { columnFromValues } from '../../core/frame-builder.js';
import { Frame } from '../../core/frame.js';
import type { SignatureInput, TransformerState } from '../bundle-types.js';
import { compilePipeline } from './compile-pipeline.js';

const inputs: SignatureInput[] = [
  { name: 'x', type: 'numeric', nullable: true },
  { name: 'when', type: 'timestamp', nullable: true },
  { name: 'unused', type: 'text', nullable: true },
];
const states: TransformerState[] = [
  { kind: 'impute', column: 'x', fill: 2, indicator: 'x__missing' },
  { kind: 'kbins', column: 'x', thresholds: [1, 3] },
  { kind: 'date_parts', column: 'when', parts: ['weekday', 'is_weekend'], outputs: ['when__weekday', 'when__is_weekend'] },
  { kind: 'features', names: ['x', 'x__missing', 'when__weekday', 'when__is_weekend'], categoryCounts: [3, 0, 0, 0] },
];

function errorOf(fn: () => unknown): InputError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error('expected an InputError');
}

describe('compilePipeline', () => {
  it('runs hand-written states; only read inputs are required', () => {
    const p = compilePipeline(states, inputs);
    expect(p.requiredInputs.map((i) => i.name)).toEqual(['x', 'when']);
    const frame = new Frame([
      columnFromValues('when', ['2024-03-02T10:00:00Z', null, '2024-03-04T00:00:00Z'], 'timestamp'),
      columnFromValues('x', [0.5, null, 3], 'numeric'),
    ]);
    const m = p.transform(frame);
    expect(Array.from(m.data)).toEqual([0, 1, 2, 0, 1, 0, 5, NaN, 0, 1, NaN, 0]);
    expect(Array.from(m.categoryCounts)).toEqual([3, 0, 0, 0]);
    const one = p.transformRecord({ x: '7', when: 1709550000000 });
    expect(Array.from(one.data)).toEqual([2, 0, 0, 0]);
  });

  it('rejects malformed bundles naming step and field', () => {
    expect(errorOf(() => compilePipeline([], inputs)).message).toContain('features');
    expect(errorOf(() => compilePipeline(states.slice(0, 3), inputs)).message).toContain('expected "features"');
    expect(errorOf(() => compilePipeline([{ kind: 'mystery', column: 'x' }, states[3]], inputs)).message).toContain('unknown kind "mystery"');
    const e = errorOf(() => compilePipeline([{ kind: 'kbins', column: 'x', thresholds: [3, 1] }, states[3]], inputs));
    expect(e.message).toContain('step 0 (kbins)');
    expect(e.details.field).toBe('thresholds');
    expect(errorOf(() => compilePipeline([{ kind: 'one_hot', column: 'x', categories: ['a'], infrequent: [], handleUnknown: 'maybe', outputs: ['x=a'] }, states[3]], inputs)).details.field).toBe('handleUnknown');
    expect(errorOf(() => compilePipeline([{ kind: 'features', names: ['nope'], categoryCounts: [0] }], inputs)).message).toContain('"nope"');
  });

  it('rejects a timestamp that is not ISO-8601 naming column and row', () => {
    const p = compilePipeline(states, inputs);
    const frame = new Frame([columnFromValues('x', [1, 2], 'numeric'), columnFromValues('when', ['2024-01-01', 'yesterday'], 'text')]);
    // Row numbers are 1-based (the second value is row 2), as everywhere in Kiln.
    expect(errorOf(() => p.transform(frame)).details).toMatchObject({ column: 'when', row: 2 });
  });
});

it('date parts agree with Date over four centuries of days and hours', () => {
  const ts: number[] = [];
  for (let t = Date.UTC(1850, 0, 1); t < Date.UTC(2250, 0, 1); t += 86_400_000 * 3.7 + 3_600_000 * 5) ts.push(Math.floor(t));
  ts.push(-1, 0, Date.UTC(2000, 1, 29, 23, 59, 59, 999), Date.UTC(1900, 2, 1));
  const p = compilePipeline(
    [
      { kind: 'date_parts', column: 't', parts: ['year', 'month', 'day', 'hour'], outputs: ['y', 'm', 'd', 'h'] },
      { kind: 'features', names: ['y', 'm', 'd', 'h'], categoryCounts: [0, 0, 0, 0] },
    ],
    [{ name: 't', type: 'timestamp', nullable: false }],
  );
  const m = p.transform(new Frame([columnFromValues('t', ts, 'timestamp')]));
  ts.forEach((t, i) => {
    const d = new Date(t);
    const got = [0, 1, 2, 3].map((j) => m.data[j * m.rows + i]);
    expect(got).toEqual([d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours()]);
  });
});
