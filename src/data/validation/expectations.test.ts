/** Every expectation type: a passing and a failing case, plus missing-column and wrong-type behaviour. */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../core/errors.js';
import { frameFromRecords } from '../../core/frame-builder.js';
import type { Frame } from '../../core/frame.js';
import { EXPECTATION_REGISTRY } from './expectation-registry.js';
import { parseSuite } from './suite.js';
import type { ExpectationResult, ValidateOptions } from './validate-frames.js';
import { validateFrames } from './validate-frames.js';

const records = [
  { id: 1, age: 34, name: 'Ann', email: 'ann@example.com', status: 'active', created: '2024-05-01T10:00:00Z', score: 0.5, flag: true, start: '2024-01-01', end: '2024-02-01', web: 'https://kiln.dev/a', key: '3f2b5c1e-8a4d-4e2f-9b7c-1d2e3f4a5b6c' },
  { id: 2, age: null, name: 'Bob', email: 'bob@example.org', status: 'inactive', created: '2024-05-02T10:00:00Z', score: 1.5, flag: false, start: '2024-01-05', end: '2024-01-06', web: 'http://example.com', key: '00000000-0000-4000-8000-000000000000' },
  { id: 3, age: 51, name: 'Cy', email: 'cy@example.net', status: 'active', created: '2024-05-03T09:00:00Z', score: 2.5, flag: true, start: '2024-03-01', end: '2024-03-02', web: 'https://a.b.c/x?y=1', key: '123e4567-e89b-12d3-a456-426614174000' },
  { id: 4, age: 19, name: 'Dee', email: 'dee@example.com', status: 'active', created: '2024-05-03T12:00:00Z', score: 3.5, flag: null, start: '2024-04-01', end: null, web: 'https://kiln.dev', key: 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11' },
];
const schema = {
  fields: [
    { name: 'id', type: 'numeric' as const, nullable: false },
    { name: 'age', type: 'numeric' as const, nullable: true },
    { name: 'name', type: 'text' as const, nullable: false },
    { name: 'email', type: 'categorical' as const, nullable: false },
    { name: 'status', type: 'categorical' as const, nullable: false },
    { name: 'created', type: 'timestamp' as const, nullable: false },
    { name: 'score', type: 'numeric' as const, nullable: false },
    { name: 'flag', type: 'boolean' as const, nullable: true },
    { name: 'start', type: 'timestamp' as const, nullable: false },
    { name: 'end', type: 'timestamp' as const, nullable: true },
    { name: 'web', type: 'text' as const, nullable: false },
    { name: 'key', type: 'categorical' as const, nullable: false },
  ],
};
const good = frameFromRecords(records, schema);
const bad = frameFromRecords(
  [
    ...records,
    { id: 4, age: 250, name: 'Eve the Extraordinarily Long-Named', email: 'not-an-email', status: 'banned', created: '2025-01-01T00:00:00Z', score: 400, flag: false, start: '2024-06-01', end: '2024-05-01', web: 'ftp:/nope', key: 'zzz' },
  ],
  schema,
);
const NOW = new Date('2024-05-04T00:00:00Z');

async function one(exp: Record<string, unknown>, frame: Frame, opts: ValidateOptions = {}): Promise<ExpectationResult> {
  const suite = parseSuite({ suiteVersion: 1, name: 't', expectations: [exp] });
  const res = await validateFrames([frame], suite, { now: NOW, ...opts });
  return res.results[0];
}

/** Expectation -> [passes on `good`, fails on `bad` with this many failing rows (null: aggregate)]. */
const cases: [Record<string, unknown>, number | null][] = [
  [{ type: 'column_exists', column: 'age' }, null],
  [{ type: 'column_type', column: 'score', columnType: 'numeric' }, null],
  [{ type: 'column_max_missing', column: 'end', maxMissing: 0.25 }, null],
  [{ type: 'column_values_between', column: 'age', min: 0, max: 120 }, 1],
  [{ type: 'column_values_between', column: 'created', min: '2024-01-01', max: '2024-05-03T12:00:00Z' }, 1],
  [{ type: 'column_values_in_set', column: 'status', values: ['active', 'inactive'] }, 1],
  [{ type: 'column_values_in_set', column: 'score', values: [0.5, 1.5, 2.5, 3.5] }, 1],
  [{ type: 'column_values_match_regex', column: 'name', pattern: '^[A-Z][a-z]+$' }, 1],
  [{ type: 'column_values_match_format', column: 'email', format: 'email' }, 1],
  [{ type: 'column_values_match_format', column: 'web', format: 'url' }, 1],
  [{ type: 'column_values_match_format', column: 'key', format: 'uuid' }, 1],
  [{ type: 'column_values_unique', column: 'id' }, 1],
  [{ type: 'column_value_lengths_between', column: 'name', min: 2, max: 10 }, 1],
  [{ type: 'column_mean_between', column: 'score', min: 1, max: 3 }, null],
  [{ type: 'column_stdev_between', column: 'score', max: 2 }, null],
  [{ type: 'column_quantile_between', column: 'score', quantile: 0.9, max: 4 }, null],
  [{ type: 'table_row_count_between', min: 1, max: 4 }, null],
  [{ type: 'table_compound_key_unique', columns: ['id', 'status'] }, 0],
  [{ type: 'table_rule', rule: 'end >= start' }, 1],
];

describe('every expectation passes on good data and fails on bad data', () => {
  for (const [exp, failing] of cases) {
    it(`${String(exp.type)} ${JSON.stringify(exp).slice(0, 80)}`, async () => {
      const pass = await one(exp, good);
      expect(pass.success, pass.message).toBe(true);
      expect(pass.failingRows).toBe(0);
      const f = exp.type === 'table_compound_key_unique' ? await one({ ...exp, columns: ['id'] }, bad) : await one(exp, bad.select(bad.names.filter((n) => exp.type !== 'column_exists' || n !== 'age')));
      if (exp.type === 'column_type') return;
      if (exp.type === 'column_max_missing') {
        const r = await one({ ...exp, maxMissing: 0.1 }, good);
        expect(r.success).toBe(false);
        expect(r.observed).toEqual({ missing: 1, missingFraction: 0.25 });
        return;
      }
      expect(f.success, f.message).toBe(false);
      if (failing !== null) expect(f.failingRows).toBe(exp.type === 'table_compound_key_unique' ? 1 : failing);
      if (failing) {
        expect(f.sample.length).toBeGreaterThan(0);
        expect(f.sample[0].row).toBeGreaterThanOrEqual(0);
      }
    });
  }

  it('column_type fails on a different type', async () => {
    const r = await one({ type: 'column_type', column: 'score', columnType: 'categorical' }, good);
    expect(r.success).toBe(false);
    expect(r.observed).toBe('numeric');
    expect(r.message).toContain('expected categorical');
  });

  it('column_values_not_null flags each row with a missing value (and every row when the column is absent)', async () => {
    expect((await one({ type: 'column_values_not_null', column: 'name' }, good)).success).toBe(true);
    const r = await one({ type: 'column_values_not_null', column: 'age' }, good);
    expect(r).toMatchObject({ success: false, failingRows: 1 });
    expect(r.sample[0].row).toBe(2);
    expect(await one({ type: 'column_values_not_null', column: 'nope' }, good)).toMatchObject({ success: false, failingRows: 4 });
  });

  it('column_values_integer flags fractional values and refuses non-numeric columns', async () => {
    expect((await one({ type: 'column_values_integer', column: 'id' }, bad)).success).toBe(true);
    expect(await one({ type: 'column_values_integer', column: 'score' }, good)).toMatchObject({ success: false, failingRows: 4 });
    expect((await one({ type: 'column_values_integer', column: 'name' }, good)).message).toContain('needs a numeric column');
  });

  it('covers every registered expectation type', () => {
    const tested = new Set(cases.map(([e]) => e.type));
    tested.add('column_values_not_null');
    tested.add('column_values_integer');
    tested.add('column_freshness');
    tested.add('column_distribution');
    tested.add('table_columns_match');
    expect([...Object.keys(EXPECTATION_REGISTRY)].filter((t) => !tested.has(t))).toEqual([]);
  });
});

describe('details', () => {
  it('column_values_between reports observed range and flags the right row with its values', async () => {
    const r = await one({ type: 'column_values_between', column: 'age', min: 0, max: 120, id: 'age_ok' }, bad);
    expect(r.id).toBe('age_ok');
    expect(r.column).toBe('age');
    expect(r.observed).toEqual({ min: 19, max: 250, failingRows: 1 });
    expect(r.sample).toEqual([{ row: 5, values: expect.objectContaining({ age: 250, name: 'Eve the Extraordinarily Long-Named' }) as unknown }]);
    expect((await one({ type: 'column_values_between', column: 'score', min: 0.5, strict: true }, good)).failingRows).toBe(1);
  });
  it('column_values_in_set handles booleans', async () => {
    expect((await one({ type: 'column_values_in_set', column: 'flag', values: [true] }, good)).failingRows).toBe(1);
    expect((await one({ type: 'column_values_in_set', column: 'flag', values: [true, false] }, good)).success).toBe(true);
  });
  it('a missing column fails with a message naming it', async () => {
    for (const exp of [
      { type: 'column_values_between', column: 'nope', min: 0 },
      { type: 'column_max_missing', column: 'nope', maxMissing: 0.5 },
      { type: 'column_values_unique', column: 'nope' },
      { type: 'column_mean_between', column: 'nope', min: 0 },
      { type: 'column_exists', column: 'nope' },
    ]) {
      const r = await one(exp, good);
      expect(r.success).toBe(false);
      expect(r.message).toContain('"nope" not found');
    }
  });
  it('a wrong column type fails instead of throwing', async () => {
    const r = await one({ type: 'column_values_between', column: 'status', min: 0 }, good);
    expect(r.success).toBe(false);
    expect(r.message).toContain('is categorical');
    expect((await one({ type: 'column_values_match_regex', column: 'score', pattern: '^1' }, good)).message).toContain('regexes apply');
  });
  it('regex ignoreCase and iso_date format', async () => {
    expect((await one({ type: 'column_values_match_regex', column: 'status', pattern: '^ACTIVE$', ignoreCase: true }, good)).failingRows).toBe(1);
    const dates = frameFromRecords([{ d: '2024-01-02' }, { d: '2024-13-45x' }, { d: null }], { fields: [{ name: 'd', type: 'text', nullable: true }] });
    expect((await one({ type: 'column_values_match_format', column: 'd', format: 'iso_date' }, dates)).failingRows).toBe(1);
  });
  it('table_columns_match, ordered and unordered', async () => {
    const names = [...good.names].reverse();
    expect((await one({ type: 'table_columns_match', columns: names }, good)).success).toBe(true);
    const ordered = await one({ type: 'table_columns_match', columns: names, ordered: true }, good);
    expect(ordered.success).toBe(false);
    expect(ordered.message).toContain('order is');
    const missing = await one({ type: 'table_columns_match', columns: [...names, 'extra'] }, good);
    expect(missing.message).toContain('missing: extra');
    expect((await one({ type: 'table_columns_match', columns: names.slice(1) }, good)).message).toContain('unexpected: key');
  });
  it('column_stdev_between uses the sample standard deviation (ddof 1, like pandas)', async () => {
    const r = await one({ type: 'column_stdev_between', column: 'score', min: 0 }, good);
    expect(r.observed).toBeCloseTo(1.2909944487358056, 12);
    const q = await one({ type: 'column_quantile_between', column: 'score', quantile: 0.9, min: 0 }, good);
    expect(q.observed).toBeCloseTo(3.2, 12);
  });
  it('table_rule reports unknown rows and unknown columns', async () => {
    const r = await one({ type: 'table_rule', rule: 'end >= start' }, good);
    expect(r.observed).toEqual({ failingRows: 0, unknownRows: 1 });
    await expect(one({ type: 'table_rule', rule: 'finish >= start' }, good)).rejects.toThrow(/unknown column "finish"/);
  });
});

describe('column_freshness', () => {
  it('passes within the window and fails outside it (injected clock)', async () => {
    const exp = { type: 'column_freshness', column: 'created', maxAge: 'P1D' };
    const pass = await one(exp, good);
    expect(pass.success).toBe(true);
    expect(pass.observed).toEqual({ newest: '2024-05-03T12:00:00.000Z', ageSeconds: 12 * 3600 });
    expect((await one(exp, good, { now: new Date('2024-05-05T00:00:00Z') })).success).toBe(false);
    expect((await one({ ...exp, maxAge: 3600 }, good)).success).toBe(false);
    expect((await one({ ...exp, maxAge: 'PT13H' }, good)).success).toBe(true);
  });
  it('accepts ISO strings in text columns', async () => {
    const f = frameFromRecords([{ t: '2024-05-03T23:00:00Z' }, { t: null }], { fields: [{ name: 't', type: 'text', nullable: true }] });
    expect((await one({ type: 'column_freshness', column: 't', maxAge: 'PT2H' }, f)).success).toBe(true);
  });
});

describe('column_distribution', () => {
  const numeric = (n: number, shift: number): Frame =>
    frameFromRecords(Array.from({ length: n }, (_, i) => ({ x: ((i * 7919) % 1009) / 1009 + shift, c: ['a', 'b', 'c'][(i * 7) % 3 === 0 ? 0 : i % 2 === 0 ? 1 : 2] })));
  const ref = numeric(500, 0);
  it('ks passes on the same distribution and fails on a shift', async () => {
    const pass = await one({ type: 'column_distribution', column: 'x', reference: 'ref.csv' }, numeric(400, 0.005), { reference: ref });
    expect(pass.success, pass.message).toBe(true);
    expect((pass.observed as { test: string }).test).toBe('ks');
    const fail = await one({ type: 'column_distribution', column: 'x' }, numeric(400, 0.2), { reference: ref });
    expect(fail.success).toBe(false);
    expect((fail.observed as { pValue: number }).pValue).toBeLessThan(1e-6);
  });
  it('psi with statisticMax', async () => {
    const exp = { type: 'column_distribution', column: 'x', test: 'psi', statisticMax: 0.1 };
    expect((await one(exp, numeric(400, 0), { reference: ref })).success).toBe(true);
    expect((await one(exp, numeric(400, 0.5), { reference: ref })).success).toBe(false);
  });
  it('chi_square on categories (default for categorical) and categorical psi', async () => {
    const pass = await one({ type: 'column_distribution', column: 'c' }, numeric(300, 0), { reference: ref });
    expect(pass.success, pass.message).toBe(true);
    expect((pass.observed as { test: string }).test).toBe('chi_square');
    const skewed = frameFromRecords(Array.from({ length: 300 }, (_, i) => ({ c: i % 10 === 0 ? 'b' : 'a' })));
    expect((await one({ type: 'column_distribution', column: 'c', pValueMin: 0.01 }, skewed, { reference: ref })).success).toBe(false);
    expect((await one({ type: 'column_distribution', column: 'c', test: 'psi' }, skewed, { reference: ref })).success).toBe(false);
  });
  it('needs reference data (UsageError naming the expectation)', async () => {
    await expect(one({ type: 'column_distribution', column: 'x', id: 'drift_x' }, ref)).rejects.toThrow(UsageError);
    await expect(one({ type: 'column_distribution', column: 'x', id: 'drift_x' }, ref)).rejects.toThrow(/drift_x/);
    await expect(one({ type: 'column_distribution', column: 'c', test: 'ks' }, ref, { reference: ref })).rejects.toThrow(/needs a numeric column/);
  });
});
