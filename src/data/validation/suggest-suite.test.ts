/** suggestSuite on a seeded generated frame: what it infers, and that the data passes its own suggestion. */
import { describe, expect, it } from 'vitest';
import { frameFromRecords } from '../../core/frame-builder.js';
import type { Frame } from '../../core/frame.js';
import { Rng } from '../../core/rng.js';
import { suggestSuite, wilsonUpper } from './suggest-suite.js';
import { validateFrames } from './validate-frames.js';

function generate(n: number, seed: number): Frame {
  const rng = new Rng(seed);
  const hex = (k: number): string => Array.from({ length: k }, () => '0123456789abcdef'[rng.int(16)]).join('');
  return frameFromRecords(
    Array.from({ length: n }, (_, i) => ({
      id: i + 1,
      x: rng.normal() * 3 + 10,
      maybe: rng.next() < 0.1 ? null : rng.int(100),
      color: ['red', 'green', 'blue'][rng.int(3)],
      email: `user${i}@example.com`,
      uid: `${hex(8)}-${hex(4)}-4${hex(3)}-8${hex(3)}-${hex(12)}`,
      at: new Date(Date.UTC(2024, 0, 1) + rng.int(1e9)).toISOString(),
      ok: rng.next() < 0.5,
    })),
  );
}

describe('suggestSuite', () => {
  const frame = generate(2000, 7);
  const chunks = [frame.slice(0, 700), frame.slice(700, 1500), frame.slice(1500, 2000)];

  it('infers types, ranges, sets, uniqueness and formats', async () => {
    const suite = await suggestSuite(chunks, { name: 'gen' });
    expect(suite.name).toBe('gen');
    const find = (type: string, column?: string): Record<string, unknown> | undefined =>
      suite.expectations.find((e) => e.type === type && (column === undefined || ('column' in e && e.column === column))) as Record<string, unknown> | undefined;
    expect(find('table_row_count_between')).toMatchObject({ min: 1000, max: 3000 });
    expect(find('column_type', 'at')).toMatchObject({ columnType: 'timestamp' });
    expect(find('column_values_between', 'id')).toMatchObject({ min: 1, max: 2000 });
    expect(find('column_values_unique', 'id')).toBeDefined();
    expect(find('column_values_unique', 'x')).toBeUndefined(); // continuous floats are not keys
    expect(find('column_values_in_set', 'color')).toMatchObject({ values: ['blue', 'green', 'red'] });
    expect(find('column_values_match_format', 'email')).toMatchObject({ format: 'email' });
    expect(find('column_values_match_format', 'uid')).toMatchObject({ format: 'uuid' });
    expect(find('column_values_match_format', 'color')).toBeUndefined();
    const missing = find('column_max_missing', 'maybe') as { maxMissing: number };
    const observed = Array.from({ length: frame.rowCount }, (_, i) => frame.row(i).maybe).filter((v) => v === null).length / frame.rowCount;
    const k = Math.round(observed * frame.rowCount);
    expect(missing.maxMissing).toBeCloseTo(Math.ceil(wilsonUpper(k, frame.rowCount, 3) * 1e4) / 1e4, 12);
    expect(missing.maxMissing).toBeGreaterThan(observed);
    expect(missing.maxMissing).toBeLessThan(observed + 0.03);
    // Complete columns get a row-level not-null check instead of a missing-fraction bound.
    expect(find('column_values_not_null', 'x')).toBeDefined();
    expect(find('column_max_missing', 'x')).toBeUndefined();
    expect(find('column_values_integer', 'id')).toBeDefined();
    expect(find('column_values_integer', 'x')).toBeUndefined();
  });

  it('the data passes its own suggestion; shifted data does not', async () => {
    const suite = await suggestSuite(frame);
    const same = await validateFrames(chunks, suite);
    expect(same.results.filter((r) => !r.success)).toEqual([]);
    expect(same.success).toBe(true);
    const other = await validateFrames([generate(2000, 99)], suite);
    expect(other.success).toBe(false);
    expect(other.results.filter((r) => !r.success).map((r) => r.expectation)).toEqual(expect.arrayContaining(['column_values_between']));
  });

  it('handles an empty input', async () => {
    const suite = await suggestSuite([]);
    expect(suite.expectations.map((e) => e.type)).toEqual(['table_row_count_between', 'table_columns_match']);
  });
});
