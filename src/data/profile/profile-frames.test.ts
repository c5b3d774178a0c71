/**
 * profileFrames against pandas/numpy/scipy reference values (test/fixtures/profile-reference.json,
 * written by test/fixtures/scripts/profile_reference.py) on the telco and adult fixtures read with
 * `readFrame`, plus streaming equivalence, option validation and edge cases.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { InputError, UsageError } from '../../core/errors.js';
import { Frame } from '../../core/frame.js';
import { columnFromValues, frameFromRecords } from '../../core/frame-builder.js';
import type { ColumnType } from '../../core/schema.js';
import { readFrame, readFrameChunks } from '../io/read-frame.js';
import { profileFrame, profileFrames } from './profile-frames.js';
import type { ColumnProfile, Profile } from './profile-types.js';

interface RefColumn {
  name: string;
  type: ColumnType;
  count: number;
  missing: number;
  distinct: number;
  mean?: number;
  std?: number;
  min?: number;
  max?: number;
  quantiles?: Record<string, number>;
  zeros?: number;
  negatives?: number;
  outliers?: number;
  histogram?: { edges: number[]; counts: number[] };
  valueCounts?: Record<string, number>;
  stringLength?: { min: number; max: number; mean: number };
}
interface RefDataset {
  rows: number;
  duplicateRows: number;
  columns: RefColumn[];
  pearson: { columns: string[]; matrix: (number | null)[][] };
  cramersV: { columns: string[]; matrix: number[][] };
}
const fixtures = new URL('../../../test/fixtures/', import.meta.url);
const ref = JSON.parse(readFileSync(new URL('profile-reference.json', fixtures), 'utf8')) as Record<'telco' | 'adult', RefDataset>;

const files = { telco: 'telco-churn.csv', adult: 'adult.csv' } as const;
const fixturePath = (which: keyof typeof files): string => fileURLToPath(new URL(files[which], fixtures));

// Chunked and whole-frame moments agree to rounding; compare at 10 significant digits.
function strip(x: Profile): unknown {
  return JSON.parse(JSON.stringify(x, (_k, v: unknown) => (typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(10)) : v)));
}

function closeRel(actual: number | null | undefined, expected: number, tol = 1e-9): void {
  expect(actual).not.toBeNull();
  const scale = Math.max(1, Math.abs(expected));
  expect(Math.abs((actual as number) - expected) / scale, `got ${String(actual)}, want ${expected}`).toBeLessThanOrEqual(tol);
}

function column(p: Profile, name: string): ColumnProfile {
  const c = p.columns.find((x) => x.name === name);
  if (!c) throw new Error(`no column ${name}`);
  return c;
}

describe.each(['telco', 'adult'] as const)('profileFrames on %s matches pandas/scipy', (which) => {
  const expected = ref[which];
  let frame: Frame;
  let profilePromise: Promise<Profile>;
  beforeAll(async () => {
    frame = await readFrame(fixturePath(which));
    profilePromise = profileFrame(frame);
    await profilePromise;
  });

  it('dataset level: rows, duplicates, column list', async () => {
    const p = await profilePromise;
    expect(p.profileVersion).toBe(1);
    expect(p.rows).toBe(expected.rows);
    expect(p.duplicateRows).toBe(expected.duplicateRows);
    expect(p.columnCount).toBe(expected.columns.length);
    expect(p.columns.map((c) => c.name)).toEqual(expected.columns.map((c) => c.name));
    expect(p.memoryBytes).toBeGreaterThan(0);
  });

  it('per column: counts, moments, exact quantiles, histogram, outliers, top values', async () => {
    const p = await profilePromise;
    for (const e of expected.columns) {
      const c = column(p, e.name);
      expect(c.type).toBe(e.type);
      expect([c.name, c.count, c.missing, c.distinct, c.distinctExact]).toEqual([e.name, e.count, e.missing, e.distinct, true]);
      expect(c.missingFraction).toBeCloseTo(e.missing / expected.rows, 12);
      if (e.type === 'numeric') {
        closeRel(c.mean, e.mean as number);
        closeRel(c.std, e.std as number);
        expect([c.min, c.max, c.zeros, c.negatives, c.outliers]).toEqual([e.min, e.max, e.zeros, e.negatives, e.outliers]);
        expect(c.quantilesExact).toBe(true);
        for (const [k, v] of Object.entries(e.quantiles as Record<string, number>)) closeRel(c.quantiles?.[k as 'p1'], v, 1e-12);
        expect(c.histogram?.counts).toEqual(e.histogram?.counts);
        (e.histogram?.edges ?? []).forEach((edge, i) => closeRel(c.histogram?.edges[i], edge, 1e-12));
      } else {
        const vc = e.valueCounts as Record<string, number>;
        for (const t of c.topCategories ?? []) if (t.value in vc) expect(t.count).toBe(vc[t.value]);
        const counts = Object.values(vc).sort((a, b) => b - a);
        expect((c.topCategories ?? []).map((t) => t.count)).toEqual(counts.slice(0, 10));
        expect((c.topCategories ?? []).reduce((s, t) => s + t.count, 0) + (c.otherCount ?? 0)).toBe(e.count);
        expect(c.stringLength?.min).toBe(e.stringLength?.min);
        expect(c.stringLength?.max).toBe(e.stringLength?.max);
        closeRel(c.stringLength?.mean, e.stringLength?.mean as number);
      }
    }
  });

  it('Pearson (pairwise complete) and Cramér\'s V (scipy association) matrices', async () => {
    const p = await profilePromise;
    const corr = p.correlations;
    expect(corr).not.toBeNull();
    expect(corr?.pearson.columns).toEqual(expected.pearson.columns);
    expected.pearson.matrix.forEach((row, i) => row.forEach((v, j) => (v === null ? expect(corr?.pearson.matrix[i][j]).toBeNull() : closeRel(corr?.pearson.matrix[i][j], v))));
    expect(corr?.cramersV.columns).toEqual(expected.cramersV.columns);
    expected.cramersV.matrix.forEach((row, i) => row.forEach((v, j) => closeRel(corr?.cramersV.matrix[i][j], v)));
  });

  it('profiling in 5 chunks gives the same profile as one frame', async () => {
    const p = await profilePromise;
    const n = frame.rowCount;
    const step = Math.ceil(n / 5);
    const chunks: Frame[] = [];
    for (let s = 0; s < n; s += step) chunks.push(frame.slice(s, s + step));
    expect(chunks.length).toBe(5);
    const progress: number[] = [];
    async function* stream(): AsyncGenerator<Frame> {
      for (const c of chunks) yield c;
    }
    const q = await profileFrames(stream(), { onProgress: (r) => progress.push(r) });
    expect(progress[progress.length - 1]).toBe(n);
    expect(progress.length).toBe(5);
    expect(strip(q)).toEqual(strip(p));
  });

  it('profiling the reader\'s own chunks (different dictionaries per chunk) gives the same profile', async () => {
    const p = await profilePromise;
    const q = await profileFrames(readFrameChunks(fixturePath(which), { chunkRows: which === 'telco' ? 2000 : 10_000 }));
    expect(strip(q)).toEqual(strip(p));
  });
});

describe('profileFrames edge cases', () => {
  it('chunks whose categorical dictionaries differ are counted by string', async () => {
    const a = new Frame([columnFromValues('c', ['x', 'y', 'x'], 'categorical', ['y', 'x'])]);
    const b = new Frame([columnFromValues('c', ['y', 'z', null], 'categorical', ['z', 'q', 'y'])]);
    const p = await profileFrames([a, b]);
    const c = p.columns[0];
    expect(c.topCategories).toEqual([
      { value: 'x', count: 2 },
      { value: 'y', count: 2 },
      { value: 'z', count: 1 },
    ]);
    expect([c.count, c.missing, c.distinct, p.duplicateRows]).toEqual([5, 1, 3, 2]);
  });

  it('timestamps: ISO min/max, epoch-ms numeric stats; booleans; all-missing column is null not NaN', async () => {
    const f = frameFromRecords(
      [
        { t: '2020-01-01', b: true, n: null },
        { t: '2020-01-03', b: false, n: null },
        { t: null, b: true, n: null },
      ],
      { fields: [{ name: 't', type: 'timestamp', nullable: true }, { name: 'b', type: 'boolean', nullable: true }, { name: 'n', type: 'numeric', nullable: true }] },
    );
    const p = await profileFrame(f);
    const [t, b, n] = p.columns;
    expect(t.min).toBe('2020-01-01T00:00:00.000Z');
    expect(t.max).toBe('2020-01-03T00:00:00.000Z');
    expect(t.mean).toBe(Date.UTC(2020, 0, 2));
    expect(b.topCategories).toEqual([{ value: 'true', count: 2 }, { value: 'false', count: 1 }]);
    expect([n.count, n.missing, n.mean, n.std, n.quantiles, n.histogram, n.distinct]).toEqual([0, 3, null, null, null, null, 0]);
    expect(JSON.stringify(p)).not.toMatch(/NaN|Infinity/);
    expect(p.correlations?.pearson.matrix).toEqual([[null]]);
    expect(p.duplicateRows).toBe(0);
  });

  it('±Infinity is counted apart and as missing; statistics use the finite values', async () => {
    const f = new Frame([columnFromValues('x', [1, Infinity, 3, -Infinity, NaN, 5], 'numeric'), columnFromValues('y', [2, 1, 6, 1, 1, 10], 'numeric')]);
    const p = await profileFrame(f);
    const x = p.columns[0];
    expect([x.count, x.missing, x.infinite, x.mean, x.min, x.max, x.distinct]).toEqual([3, 3, 2, 3, 1, 5, 3]);
    expect(x.std).toBe(2);
    expect(p.correlations?.pearson.matrix[0][1]).toBeCloseTo(1, 12);
    expect(p.columns[1].infinite).toBe(0);
  });

  it('-0 equals 0 and missing equals missing for duplicate rows, like pandas', async () => {
    const f = new Frame([columnFromValues('x', [0, -0, NaN, NaN, 1], 'numeric'), columnFromValues('s', ['a', 'a', null, null, 'a'], 'text')]);
    expect((await profileFrame(f)).duplicateRows).toBe(2);
  });

  it('constant and single-category columns give null correlations, not NaN', async () => {
    const f = new Frame([
      columnFromValues('x', [1, 2, 3, 4], 'numeric'),
      columnFromValues('k', [5, 5, 5, 5], 'numeric'),
      columnFromValues('c', ['a', 'a', 'a', 'a'], 'categorical'),
      columnFromValues('d', ['a', 'b', 'a', 'b'], 'categorical'),
    ]);
    const p = await profileFrame(f);
    expect(p.correlations?.pearson.matrix).toEqual([[1, null], [null, null]]);
    expect(p.correlations?.cramersV.matrix).toEqual([[null, null], [null, 1]]);
  });

  it('skips high-cardinality categoricals in Cramér\'s V and says so', async () => {
    const vals = Array.from({ length: 60 }, (_, i) => `v${i}`);
    const f = new Frame([columnFromValues('many', vals, 'categorical'), columnFromValues('few', vals.map((_, i) => (i % 2 ? 'a' : 'b')), 'categorical')]);
    const p = await profileFrame(f);
    expect(p.correlations?.cramersV.columns).toEqual(['few']);
    expect(p.correlations?.cramersV.skipped).toEqual([{ column: 'many', reason: 'more than 50 distinct values' }]);
    expect((await profileFrame(f, { correlation: false })).correlations).toBeNull();
  });

  it('every column carries every documented key, in order; memoryBytes follows the documented estimate', async () => {
    const f = new Frame([
      columnFromValues('n', [1, 2, 3], 'numeric'),
      columnFromValues('c', ['a', 'bb', 'a'], 'categorical'),
      columnFromValues('t', ['x', null, 'yz'], 'text'),
      columnFromValues('b', [true, null, false], 'boolean'),
    ]);
    const p = await profileFrame(f);
    const keys = ['name', 'type', 'count', 'missing', 'missingFraction', 'distinct', 'distinctExact', 'mean', 'std', 'min', 'max', 'quantiles', 'quantilesExact', 'zeros', 'negatives', 'infinite', 'outliers', 'histogram', 'topCategories', 'otherCount', 'topCategoriesExact', 'stringLength', 'pii'];
    for (const c of p.columns) expect(Object.keys(c)).toEqual(keys);
    expect(Object.keys(p)).toEqual(['profileVersion', 'rows', 'columnCount', 'columns', 'duplicateRows', 'memoryBytes', 'correlations']);
    // 3*8 numeric + 3*4 codes + ('a', 'bb') 18+20 + 3*8 text refs + ('x', 'yz') 18+20 + 3*1 boolean.
    expect(p.memoryBytes).toBe(24 + 12 + 38 + 24 + 38 + 3);
  });

  it('no chunks: an empty profile', async () => {
    const p = await profileFrames([]);
    expect([p.rows, p.columnCount, p.duplicateRows, p.memoryBytes]).toEqual([0, 0, 0, 0]);
  });

  it('rejects bad options and chunks that change layout', async () => {
    const f = new Frame([columnFromValues('x', [1], 'numeric')]);
    await expect(profileFrame(f, { histogramBins: 0 })).rejects.toThrow(UsageError);
    await expect(profileFrame(f, { topK: 1.5 })).rejects.toThrow(/topK/);
    const g = new Frame([columnFromValues('x', ['a'], 'categorical')]);
    await expect(profileFrames([f, g])).rejects.toThrow(InputError);
    await expect(profileFrames([f, g])).rejects.toThrow(/chunk 1 column 0 is "x" \(categorical\)/);
  });
});
