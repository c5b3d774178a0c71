import { describe, expect, it } from 'vitest';
import { InputError, UsageError, exitCodeFor, httpStatusFor, NotFoundError, ConflictError, InternalError } from './errors.js';
import { Frame } from './frame.js';
import { columnFromValues, frameFromRecords, frameToRecords, inferStringType, parseIsoTimestamp } from './frame-builder.js';
import { Rng } from './rng.js';

describe('Frame', () => {
  const frame = frameFromRecords([
    { a: 1, b: 'x', c: true, d: '2024-01-02', e: null },
    { a: null, b: 'y', c: false, d: '2024-01-03T10:00:00Z', e: null },
    { a: 3, b: null, c: null, d: null, e: null },
  ]);

  it('infers types and encodes missing values per type', () => {
    expect(frame.columns.map((c) => c.type)).toEqual(['numeric', 'categorical', 'boolean', 'timestamp', 'numeric']);
    expect(frameToRecords(frame)).toEqual([
      { a: 1, b: 'x', c: true, d: '2024-01-02T00:00:00.000Z', e: null },
      { a: null, b: 'y', c: false, d: '2024-01-03T10:00:00.000Z', e: null },
      { a: 3, b: null, c: null, d: null, e: null },
    ]);
  });

  it('selects, takes, slices and concatenates with dictionary merging', () => {
    expect(frame.select(['b', 'a']).names).toEqual(['b', 'a']);
    expect(frameToRecords(frame.take([2, 0]).select(['a']))).toEqual([{ a: 3 }, { a: 1 }]);
    expect(frame.slice(1, 10).rowCount).toBe(2);
    const other = frameFromRecords([{ a: 5, b: 'z', c: true, d: null, e: 1 }], frame.schema());
    const both = Frame.concat([frame, other]);
    expect(both.rowCount).toBe(4);
    expect(frameToRecords(both.select(['b'])).map((r) => r.b)).toEqual(['x', 'y', null, 'z']);
  });

  it('rejects duplicate names, ragged columns and unknown columns with InputError', () => {
    const col = columnFromValues('x', [1, 2]);
    expect(() => new Frame([col, col])).toThrow(InputError);
    expect(() => new Frame([col, columnFromValues('y', [1])])).toThrow(/rows/);
    expect(() => frame.column('nope')).toThrow(/"nope" not found/);
  });

  it('names the row and column of values that do not fit a forced type', () => {
    expect(() => columnFromValues('n', [1, 'abc'], 'numeric')).toThrow(/column "n" row 2/);
  });

  it('classifies strings as categories or text', () => {
    expect(inferStringType(3, 7043, 3)).toBe('categorical');
    expect(inferStringType(7043, 7043, 10)).toBe('text');
    expect(inferStringType(10, 100, 120)).toBe('text');
    expect(parseIsoTimestamp('2024-02-30x')).toBeNaN();
  });
});

describe('errors', () => {
  it('map to exit codes and HTTP statuses in one place', () => {
    expect([new UsageError('u'), new InputError('i'), new NotFoundError('n'), new ConflictError('c'), new InternalError('x')].map(exitCodeFor)).toEqual([2, 2, 2, 2, 3]);
    expect([new UsageError('u'), new InputError('i'), new NotFoundError('n'), new ConflictError('c'), new InternalError('x'), new Error('e')].map(httpStatusFor)).toEqual([400, 400, 404, 409, 500, 500]);
    expect(new InputError('bad', { row: 3 }, 'fix it').toJSON()).toEqual({ error: { code: 'input', message: 'bad', hint: 'fix it', details: { row: 3 } } });
  });
});

describe('Rng', () => {
  it('is deterministic per seed and uniform enough', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const xs = Array.from({ length: 1000 }, () => a.next());
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b.next()));
    expect(new Rng(43).next()).not.toBe(xs[0]);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.05);
    expect(Array.from(new Rng(1).permutation(10)).sort((p, q) => p - q)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});
