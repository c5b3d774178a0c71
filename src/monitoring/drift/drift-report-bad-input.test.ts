/** The drift report on hostile captured data: infinities, constant and all-missing columns, empty windows. */
import { describe, expect, it } from 'vitest';
import { Frame } from '../../core/frame.js';
import { driftReport } from './drift-report.js';

const numeric = (cols: Record<string, number[]>): Frame => new Frame(Object.entries(cols).map(([name, v]) => ({ name, type: 'numeric' as const, values: Float64Array.from(v) })));
const big = Array.from({ length: 2000 }, (_, i) => i);

describe('driftReport bad input', () => {
  it('counts NaN and ±Infinity as missing instead of poisoning the statistic', async () => {
    const r = await driftReport([numeric({ x: big })], [numeric({ x: [...big.slice(0, 1990), Infinity, -Infinity, NaN] })]);
    const x = r.columns[0];
    expect(x.test).toBe('wasserstein');
    expect(Number.isFinite(x.statistic)).toBe(true);
    expect(x.current).toMatchObject({ count: 1990, missing: 3 });
    expect(x.drifted).toBe(false);
    expect(x.distribution.labels.every((l) => !/NaN|Infinity/.test(l))).toBe(true);
    expect(JSON.stringify(r)).not.toContain('"statistic":null');
  });
  it('constant columns compare without dividing by zero; a shifted constant drifts', async () => {
    const same = await driftReport([numeric({ k: big.map(() => 3) })], [numeric({ k: big.map(() => 3) })]);
    expect(same.columns[0]).toMatchObject({ statistic: 0, drifted: false });
    const moved = await driftReport([numeric({ k: big.map(() => 3) })], [numeric({ k: big.map(() => 4) })]);
    expect(moved.columns[0].drifted).toBe(true);
    expect(Number.isFinite(moved.columns[0].statistic)).toBe(true);
  });
  it('a column with only infinities on one side is skipped and named; an empty window is refused plainly', async () => {
    const r = await driftReport([numeric({ x: big, y: big })], [numeric({ x: [Infinity, -Infinity], y: [1, 2] })]);
    expect(r.skipped).toEqual([{ column: 'x', reason: 'all values are missing in the current data' }]);
    expect(r.columns.map((c) => c.column)).toEqual(['y']);
    await expect(driftReport([numeric({ x: big })], [numeric({ x: [] })])).rejects.toThrow(/current data has no rows/);
  });
});
