/**
 * The drift report: Evidently's default test per column kind and size, each value equal to SciPy's
 * (test/fixtures/scripts/drift_report_reference.py), verdicts, dataset drift share, and bad input.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { frameFromRecords } from '../../core/frame-builder.js';
import { Frame } from '../../core/frame.js';
import { Rng } from '../../core/rng.js';
import { driftReport } from './drift-report.js';

type Side = { ref: (number | string)[]; cur: (number | string)[] };
const ref = JSON.parse(readFileSync('test/fixtures/drift-report-reference.json', 'utf8')) as {
  small: { x: Side & { p: number }; c: Side & { p: number }; b: Side & { p: number } };
  large: { y: Side & { stat: number }; d: Side & { stat: number } };
};

function frame(cols: Record<string, (number | string)[]>): Frame {
  const names = Object.keys(cols);
  const n = cols[names[0]].length;
  return frameFromRecords(Array.from({ length: n }, (_, i) => Object.fromEntries(names.map((k) => [k, cols[k][i]]))));
}

describe('driftReport', () => {
  it('small reference: KS, chi-square and Z-test, equal to SciPy', async () => {
    const s = ref.small;
    const r = await driftReport([frame({ x: s.x.ref, c: s.c.ref, b: s.b.ref })], [frame({ x: s.x.cur, c: s.c.cur, b: s.b.cur })]);
    const by = Object.fromEntries(r.columns.map((c) => [c.column, c]));
    expect(by.x).toMatchObject({ test: 'ks', drifted: true, threshold: 0.05 });
    expect(by.x.pValue).toBeCloseTo(s.x.p, 12);
    expect(by.c.test).toBe('chisquare');
    expect(Math.abs((by.c.pValue as number) - s.c.p) / s.c.p).toBeLessThan(1e-9);
    expect(by.b).toMatchObject({ test: 'z', drifted: false });
    expect(by.b.pValue).toBeCloseTo(s.b.p, 12);
    expect(r).toMatchObject({ driftedColumns: 2, datasetDrift: true, reference: { rows: 400 }, current: { rows: 300 } });
    expect(r.driftShare).toBeCloseTo(2 / 3, 15);
  });

  it('large reference: normed Wasserstein and Jensen-Shannon, equal to SciPy', async () => {
    const l = ref.large;
    const r = await driftReport([frame({ y: l.y.ref, d: l.d.ref })], [frame({ y: l.y.cur, d: l.d.cur })]);
    const by = Object.fromEntries(r.columns.map((c) => [c.column, c]));
    expect(by.y).toMatchObject({ test: 'wasserstein', drifted: true, pValue: null });
    expect(by.y.statistic).toBeCloseTo(l.y.stat, 12);
    expect(by.d).toMatchObject({ test: 'jensenshannon', drifted: false });
    expect(by.d.statistic).toBeCloseTo(l.d.stat, 12);
    expect(by.y.distribution.reference.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it('reports no drift for the same data, streamed in chunks', async () => {
    const f = frame({ y: ref.large.y.ref, d: ref.large.d.ref });
    const r = await driftReport([f.slice(0, 1000), f.slice(1000, 3000)], [f]);
    expect(r.columns.every((c) => !c.drifted && c.statistic < 1e-12)).toBe(true);
    expect(r.datasetDrift).toBe(false);
  });

  it('honours overrides, lists one-sided and all-missing columns, and refuses bad input', async () => {
    const a = frame({ x: [1, 2, 3, 4, 5, 6, 7], only_ref: ['a', 'b', 'a', 'b', 'a', 'b', 'a'] });
    const b = frameFromRecords([{ x: 3, only_cur: 'z', gone: null }, { x: 9, only_cur: 'y', gone: null }]);
    const r = await driftReport([a], [b], { tests: { x: 'psi' }, thresholds: { x: 5 } });
    expect(r.columns).toHaveLength(1);
    expect(r.columns[0]).toMatchObject({ column: 'x', test: 'psi', threshold: 5, thresholdKind: 'distance' });
    expect(r.columns[0].drifted).toBe(r.columns[0].statistic >= 5);
    expect(r.skipped).toEqual([
      { column: 'only_ref', reason: 'not in the current data' },
      { column: 'only_cur', reason: 'not in the reference data' },
      { column: 'gone', reason: 'not in the reference data' },
    ]);
    await expect(driftReport([a], [b], { tests: { x: 'magic' } })).rejects.toThrow(/unknown drift test "magic"/);
    await expect(driftReport([a], [b], { tests: { only_ref: 'ks' }, columns: ['only_ref'] })).resolves.toMatchObject({ skipped: [{ column: 'only_ref' }] });
    await expect(driftReport([a], [a.slice(0, 0)])).rejects.toThrow(/current data has no rows/);
    await expect(driftReport([a], [b], { columns: ['nope'] })).rejects.toThrow(/neither dataset/);
    await expect(driftReport([frame({ c: ['a', 'b', 'a'] })], [frame({ c: ['a', 'a', 'b'] })], { tests: { c: 'ks' } })).rejects.toThrow(/does not apply/);
  });
});

describe('driftReport charts', () => {
  it('counts each numeric bin exactly as a per-value pass does (ties on bin edges, negatives, zeros)', async () => {
    const rng = new Rng(8);
    const draw = (shift: number): number[] => Array.from({ length: 3000 }, (_, i) => (i % 10 === 0 ? -0 : i % 7 === 0 ? rng.int(20) / 4 - 2 : rng.normal() + shift));
    const r = draw(0);
    const c = draw(0.4);
    const report = await driftReport([new Frame([{ name: 'x', type: 'numeric', values: Float64Array.from(r) }])], [new Frame([{ name: 'x', type: 'numeric', values: Float64Array.from(c) }])], { chartBins: 13 });
    const lo = Math.min(...r, ...c);
    const hi = Math.max(...r, ...c);
    const perValue = (v: number[]): number[] => {
      const counts = new Array<number>(13).fill(0);
      for (const x of v) counts[Math.min(12, Math.floor(((x - lo) / (hi - lo)) * 13))]++;
      return counts.map((k) => k / v.length);
    };
    expect(report.columns[0].distribution.reference).toEqual(perValue(r));
    expect(report.columns[0].distribution.current).toEqual(perValue(c));
  });
});

describe('driftReport categories', () => {
  it('counts codes with missing values anywhere, in chunks of any length', async () => {
    const rng = new Rng(9);
    const categories = ['a', 'b', 'c', 'd', 'e'];
    const codes = (n: number): Int32Array => Int32Array.from({ length: n }, () => (rng.next() < 0.07 ? -1 : rng.int(categories.length - 1)));
    const sides = [[codes(1001), codes(7)], [codes(4), codes(2), codes(999)]];
    const frames = sides.map((chunks) => chunks.map((c) => new Frame([{ name: 'k', type: 'categorical', codes: c, categories }], c.length)));
    const r = await driftReport(frames[0], frames[1], { tests: { k: 'jensenshannon' } });
    const [col] = r.columns;
    sides.forEach((chunks, s) => {
      const all = chunks.flatMap((c) => Array.from(c));
      const summary = s === 0 ? col.reference : col.current;
      expect(summary).toEqual({ count: all.filter((c) => c >= 0).length, missing: all.filter((c) => c < 0).length, distinct: new Set(all.filter((c) => c >= 0)).size });
      const shares = col.distribution.labels.map((l) => all.filter((c) => categories[c] === l).length / summary.count);
      expect(s === 0 ? col.distribution.reference : col.distribution.current).toEqual(shares);
    });
  });
});

describe('driftReport threads', () => {
  it('gives the same report when a worker takes columns', async () => {
    const rng = new Rng(5);
    const side = (shift: number, rows: number, mixedAsCategories: boolean): Frame =>
      new Frame([
        { name: 'x', type: 'numeric', values: Float64Array.from({ length: rows }, (_, i) => (i % 50 === 0 ? NaN : rng.normal() + shift)) },
        { name: 'k', type: 'numeric', values: Float64Array.from({ length: rows }, () => rng.int(4)) },
        { name: 'y', type: 'numeric', values: Float64Array.from({ length: rows }, () => Math.exp(rng.normal() * 3)) },
        // Numbers on one side, categories on the other: compared by category between numeric batches.
        mixedAsCategories
          ? { name: 'm', type: 'categorical', codes: Int32Array.from({ length: rows }, () => rng.int(3)), categories: ['0', '1', '2'] }
          : { name: 'm', type: 'numeric', values: Float64Array.from({ length: rows }, () => rng.int(3)) },
        { name: 'gone', type: 'numeric', values: new Float64Array(rows).fill(shift > 0 ? NaN : 1) },
        // Enough columns that a worker started during the report usually joins it part-way.
        ...Array.from({ length: 40 }, (_, j) => ({ name: `z${j}`, type: 'numeric' as const, values: Float64Array.from({ length: rows }, () => rng.normal() * (1 + j) + shift) })),
      ]);
    const r = side(0, 40_000, false);
    const c = side(0.2, 30_000, true);
    const opts = { tests: { z3: 'ks', z4: 'psi', z5: 'wasserstein' } };
    const one = await driftReport([r], [c], { ...opts, threads: 1 });
    const two = await driftReport([r], [c], { ...opts, threads: 2 });
    expect(JSON.stringify(two)).toBe(JSON.stringify(one));
    expect(one.columns.slice(0, 4).map((col) => col.test)).toEqual(['wasserstein', 'jensenshannon', 'wasserstein', 'jensenshannon']);
    expect(one.columns.slice(7, 10).map((col) => col.test)).toEqual(['ks', 'psi', 'wasserstein']);
    expect(one.skipped).toEqual([{ column: 'gone', reason: 'all values are missing in the current data' }]);
    await expect(driftReport([r], [c], { threads: 3 })).rejects.toThrow(/threads must be 1 or 2/);
    // The worker launched at the start of a two-thread report is stopped when the report fails before using it.
    await expect(driftReport([r.slice(0, 0)], [c], { threads: 2 })).rejects.toThrow(/reference data has no rows/);
  });
});
