/** Binning: bounds, missing bin, categorical codes, and the fast lookup agreeing with binary search. */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.js';
import type { FeatureMatrix } from '../../runtime/feature-matrix.js';
import { binMatrix, binOfValue, fitBinLayout } from './bin-mapper.js';

function column(values: number[], categories = 0): FeatureMatrix {
  return { rows: values.length, cols: 1, data: Float64Array.from(values), names: ['v'], categoryCounts: Int32Array.of(categories) };
}

describe('bin mapper', () => {
  it('gives each of few distinct values its own bin with midpoint bounds, NaN the last bin', () => {
    const x = column([3, 1, 2, 2, NaN, 1, 3]);
    const layout = fitBinLayout(x, 255, 200_000, new Rng(1));
    expect(Array.from(layout.uppers[0])).toEqual([1.5, 2.5, Infinity]);
    expect(layout.numBins[0]).toBe(3);
    expect(Array.from(binMatrix(x, layout).bins)).toEqual([2, 0, 1, 1, 3, 0, 2]);
  });

  it('caps numeric features at maxBins with roughly equal-frequency bins', () => {
    const rng = new Rng(2);
    const x = column(Array.from({ length: 20_000 }, () => rng.normal()));
    const layout = fitBinLayout(x, 16, 200_000, new Rng(1));
    expect(layout.numBins[0]).toBeLessThanOrEqual(16);
    expect(layout.numBins[0]).toBeGreaterThanOrEqual(14);
    const counts = new Array<number>(layout.numBins[0] + 1).fill(0);
    for (const b of binMatrix(x, layout).bins) counts[b]++;
    for (let b = 0; b < layout.numBins[0]; b++) expect(counts[b]).toBeGreaterThan(20_000 / 16 / 2);
  });

  it('fast lookup equals binary search on random values and on the bounds themselves', () => {
    const rng = new Rng(3);
    const vals = Array.from({ length: 30_000 }, (_, i) => (i % 3 === 0 ? Math.round(rng.normal() * 50) : Math.exp(rng.normal() * 4) * (i % 2 ? 1 : -1)));
    const layout = fitBinLayout(column(vals), 255, 5_000, new Rng(4));
    const u = layout.uppers[0];
    const probe = [...vals, ...Array.from(u).slice(0, -1), ...Array.from(u).slice(0, -1).map((v) => v * (1 + 1e-15)), -Infinity, Infinity, 1e300, -1e300];
    const bins = binMatrix(column(probe), layout).bins;
    const mismatches = probe.filter((v, i) => bins[i] !== binOfValue(u, v, layout.numBins[0]));
    expect(mismatches).toEqual([]);
  });

  it('maps category codes to bins and out-of-range codes to the missing bin', () => {
    const x = column([0, 2, 1, 5, -1, NaN, 1.7], 3);
    const layout = fitBinLayout(x, 255, 200_000, new Rng(1));
    expect(Array.from(binMatrix(x, layout).bins)).toEqual([0, 2, 1, 3, 3, 3, 1]);
  });

  it('rejects more than 255 categories naming the column', () => {
    expect(() => fitBinLayout(column([0, 1], 300), 255, 200_000, new Rng(1))).toThrow(/feature "v" has 300 categories/);
  });
});
