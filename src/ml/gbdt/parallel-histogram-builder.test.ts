/** Parallel histograms (feature blocks, row blocks) on worker threads equal the serial ones bit for bit. */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.js';
import { buildHistogramSlice, orderedStride } from './histogram-kernel.js';
import type { HistogramInputs } from './histogram-kernel.js';
import { featureSlices, PARALLEL_MIN_WORK, ParallelHistogramBuilder, SerialHistogramBuilder } from './parallel-histogram-builder.js';
import { HIST_ROW_BLOCK, usesRowBlocks } from './row-block-histogram.js';
import { parseGbdtParams } from './gbdt-params.js';
import { SplitFinder, SplitInfo } from './split-finder.js';

function inputs(n: number, F: number): HistogramInputs {
  const rng = new Rng(5);
  const numBins = Array.from({ length: F }, (_, f) => 10 + ((f * 37) % 200));
  const offsets2 = new Int32Array(F);
  let total = 0;
  for (let f = 0; f < F; f++) {
    offsets2[f] = total;
    total += (numBins[f] + 1) * 2;
  }
  const stride = orderedStride(F);
  const ordBins = new Uint8Array(new SharedArrayBuffer(n * stride));
  for (let r = 0; r < n; r++) for (let f = 0; f < F; f++) ordBins[r * stride + f] = rng.int(numBins[f] + 1);
  const ordGh = new Float64Array(new SharedArrayBuffer(16 * n)).map(() => rng.normal());
  // The by-row-id inputs are only read by the grower's gather, not by the kernel under test (rowIndex sizes the row-block partials).
  const unused = new Uint8Array(0);
  return { bins: unused, features: F, offsets2, histSize: total, gh: new Float64Array(0), rowIndex: new Int32Array(n), stride, ordBins, ordGh, hist: new Float64Array(new SharedArrayBuffer(8 * total * 3)), packed: false };
}

describe('ParallelHistogramBuilder', () => {
  it('splits features into balanced contiguous blocks aligned to 4 features', () => {
    expect(Array.from(featureSlices(Int32Array.of(0, 10, 20, 30, 40), 50, 2))).toEqual([0, 3, 5]);
    const offsets = Int32Array.from({ length: 28 }, (_, f) => f * 512);
    expect(Array.from(featureSlices(offsets, 28 * 512, 4))).toEqual([0, 8, 16, 20, 28]);
  });

  it('builds the same bytes as the serial builder', async () => {
    const n = 40_000;
    const F = 13;
    const inp = inputs(n * 2 + 2, F);
    const count = n;
    expect(count * F).toBeGreaterThan(PARALLEL_MIN_WORK);
    new SerialHistogramBuilder(inp).build(0, count, 0);
    const par = await ParallelHistogramBuilder.start(ParallelHistogramBuilder.launch(3), inp, 3);
    try {
      par.build(0, count, 1);
    } finally {
      await par.close();
    }
    const a = inp.hist.subarray(0, inp.histSize);
    const b = inp.hist.subarray(inp.histSize, 2 * inp.histSize);
    expect(b.some((v) => v !== 0)).toBe(true);
    expect(Array.from(b)).toEqual(Array.from(a));
  });

  it('subtracts a feature-block build from the parent slot on the threads that built each block (same bytes as serial)', async () => {
    const n = 40_000;
    const F = 13;
    const inp = inputs(n + 2, F);
    const H = inp.histSize;
    const parent = Float64Array.from({ length: H }, (_, i) => (i % 7) * 1.25 - 3);
    inp.hist.set(parent, 2 * H);
    new SerialHistogramBuilder(inp).build(0, n, 0, 2);
    const serialParent = Array.from(inp.hist.subarray(2 * H, 3 * H));
    inp.hist.set(parent, 2 * H);
    const par = await ParallelHistogramBuilder.start(ParallelHistogramBuilder.launch(3), inp, 3);
    try {
      par.build(0, n, 1, 2);
    } finally {
      await par.close();
    }
    expect(Array.from(inp.hist.subarray(H, 2 * H))).toEqual(Array.from(inp.hist.subarray(0, H)));
    expect(Array.from(inp.hist.subarray(2 * H, 3 * H))).toEqual(serialParent);
    for (let i = 0; i < H; i++) expect(serialParent[i]).toBe(parent[i] - inp.hist[i]);
  });

  it('with polling workers, row-block leaves are reduced, subtracted and searched by feature block: same bytes and splits as serial', async () => {
    const F = 13;
    const count = 2 * HIST_ROW_BLOCK + 777;
    const inp = inputs(count + 10, F);
    const H = inp.histSize;
    const parent = Float64Array.from({ length: H }, (_, i) => (i % 11) * 0.75 - 2);
    const layout = { features: F, numBins: new Int32Array(F), offsets: new Int32Array(F), totalSlots: H / 2, uppers: [] as Float64Array[], categoryCounts: new Int32Array(F) };
    for (let f = 0; f < F; f++) {
      layout.offsets[f] = inp.offsets2[f] / 2;
      layout.numBins[f] = (f + 1 < F ? inp.offsets2[f + 1] : H) / 2 - layout.offsets[f] - 1;
      layout.uppers.push(new Float64Array(0));
    }
    const params = parseGbdtParams({ objective: 'binary', minDataInLeaf: 5 });
    inp.hist.set(parent, 2 * H);
    new SerialHistogramBuilder(inp).build(5, 5 + count, 0, 2);
    const serial = Array.from(inp.hist.subarray(0, 3 * H));
    const totals = (slot: number): [number, number] => {
      let g = 0;
      let h = 0;
      for (let i = 0; i <= layout.numBins[0]; i++) {
        g += serial[slot * H + 2 * i];
        h += Math.abs(serial[slot * H + 2 * i + 1]);
      }
      return [g, h];
    };
    const [g0, h0] = totals(0);
    const [g2, h2] = totals(2);
    const mask = new Uint8Array(F).fill(1);
    const want = [new SplitInfo(), new SplitInfo()];
    const finder = new SplitFinder(layout, params);
    finder.find(Float64Array.from(serial), 0, g0, h0, count, mask, want[0]);
    finder.find(Float64Array.from(serial), 2 * H, g2, h2, 5000, mask, want[1]);
    process.env.KILN_POOL_SPIN_US = '1000';
    const par = await ParallelHistogramBuilder.start(ParallelHistogramBuilder.launch(3), inp, 3, undefined, undefined, undefined, { layout, params });
    delete process.env.KILN_POOL_SPIN_US;
    const got = [new SplitInfo(), new SplitInfo()];
    let searched: boolean;
    try {
      inp.hist.fill(0);
      inp.hist.set(parent, 2 * H);
      searched = par.buildAndSearch(5, 5 + count, 0, 2, Float64Array.of(0, g0, h0, count, 2, g2, h2, 5000), mask, got[0], got[1]);
    } finally {
      await par.close();
    }
    expect(searched).toBe(true);
    expect(want[0].gain).toBeGreaterThan(0);
    expect(want[1].gain).toBeGreaterThan(0);
    expect(Array.from(inp.hist.subarray(0, 3 * H).map((v, i) => (i >= H && i < 2 * H ? 0 : v)))).toEqual(serial.map((v, i) => (i >= H && i < 2 * H ? 0 : v)));
    for (const c of [0, 1]) {
      expect(got[c].gain).toBe(want[c].gain);
      expect([got[c].feature, got[c].thresholdBin, got[c].leftG, got[c].leftH]).toEqual([want[c].feature, want[c].thresholdBin, want[c].leftG, want[c].leftH]);
    }
  });

  // 2 features: below PARALLEL_MIN_WORK per leaf, which must not bypass the row blocks.
  it.each([2, 6])('builds large leaves in row blocks (%i features): same bytes for 1 and 3 threads, equal to a plain sum up to rounding', async (F) => {
    const count = 2 * HIST_ROW_BLOCK + 1234;
    expect(usesRowBlocks(count)).toBe(true);
    const inp = inputs(count + 10, F);
    new SerialHistogramBuilder(inp).build(5, 5 + count, 0);
    buildHistogramSlice(inp, 5, 5 + count, 2, 0, F);
    const par = await ParallelHistogramBuilder.start(ParallelHistogramBuilder.launch(3), inp, 3);
    try {
      par.build(5, 5 + count, 1);
    } finally {
      await par.close();
    }
    const H = inp.histSize;
    const serial = Array.from(inp.hist.subarray(0, H));
    expect(Array.from(inp.hist.subarray(H, 2 * H))).toEqual(serial);
    const plain = inp.hist.subarray(2 * H, 3 * H);
    for (let i = 0; i < H; i++) expect(serial[i]).toBeCloseTo(plain[i], 8);
  });
});
