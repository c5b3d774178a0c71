/** The leaf-ordered copy always holds, at position i, the bins and gradients of row rowIndex[i]. */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.js';
import { orderedStride } from './histogram-kernel.js';
import type { HistogramInputs } from './histogram-kernel.js';
import { LeafOrderedRows, orderedBufferRows, PARALLEL_PARTITION_MIN_ROWS, SOURCE_HALF, sourceGradients } from './leaf-ordered-rows.js';
import type { PartitionRunner } from './leaf-ordered-rows.js';
import { childHalf, countChunkLefts, createPartitionBuffers, scatterChunk } from './partition-kernel.js';
import { SplitInfo } from './split-finder.js';

function setup(n: number, F: number, bins: number): HistogramInputs {
  const rng = new Rng(11);
  const stride = orderedStride(F);
  const half = Math.ceil(n / 2);
  return {
    bins: Uint8Array.from({ length: n * F }, () => rng.int(bins + 1)),
    features: F,
    offsets2: new Int32Array(F),
    histSize: 0,
    gh: Float64Array.from({ length: 2 * n }, () => rng.normal()),
    // A permutation (even rows, then odd rows), so positions and row ids differ.
    rowIndex: Int32Array.from({ length: n }, (_, i) => (i < half ? 2 * i : 2 * (i - half) + 1)),
    stride,
    ordBins: new Uint8Array(orderedBufferRows(n) * stride),
    ordGh: new Float64Array(2 * orderedBufferRows(n)),
    hist: new Float64Array(0),
    packed: false,
  };
}

/** Check positions [start, end) of ordered half `half`: ordered data matches the rows named by its index. */
function expectConsistent(inp: HistogramInputs, rows: LeafOrderedRows, half: number, start: number, end: number): void {
  const F = inp.features;
  const idx = rows.indexOf(half);
  const base = rows.halfBase(half);
  for (let i = start; i < end; i++) {
    const r = idx[i];
    const p = base + i;
    for (let f = 0; f < F; f++) expect(inp.ordBins[p * inp.stride + f]).toBe(inp.bins[r * F + f]);
    expect(inp.ordGh[2 * p]).toBe(inp.gh[2 * r]);
    expect(inp.ordGh[2 * p + 1]).toBe(inp.gh[2 * r + 1]);
  }
}

describe('LeafOrderedRows', () => {
  for (const F of [5, 28, 37]) {
    it(`gathers and partitions stably with ${F} features`, () => {
      const n = 301;
      const numBins = 9; // bin 9 is missing
      const inp = setup(n, F, numBins);
      const rows = new LeafOrderedRows(inp, n, new Int32Array(F).fill(numBins));
      const count = 280;
      const sums = new Float64Array(2);
      rows.gather(count, sums);
      expectConsistent(inp, rows, 0, 0, count);
      let G = 0;
      for (let i = 0; i < count; i++) G += inp.gh[2 * inp.rowIndex[i]];
      expect(sums[0]).toBe(G);

      // Numeric split on feature 2 (missing goes left), then a categorical split of the right child.
      const s = new SplitInfo();
      s.feature = 2;
      s.thresholdBin = 4;
      s.defaultLeft = true;
      const before = Array.from(inp.rowIndex.subarray(10, count));
      const nl = rows.partition(10, count - 10, s, true, 0);
      const idx1 = rows.indexOf(1);
      const goesLeft = (r: number): boolean => {
        const b = inp.bins[r * F + 2];
        return b === numBins || b <= 4;
      };
      // Both children now sit in half 1, at the parent's positions.
      expect(Array.from(idx1.subarray(10, 10 + nl))).toEqual(before.filter(goesLeft));
      expect(Array.from(idx1.subarray(10 + nl, count))).toEqual(before.filter((r) => !goesLeft(r)));
      expectConsistent(inp, rows, 1, 10, count);

      const c = new SplitInfo();
      c.feature = F - 1;
      c.categorical = true;
      c.catBits[0] = (1 << 1) | (1 << 6);
      c.defaultLeft = false;
      const right = Array.from(idx1.subarray(10 + nl, count));
      const nl2 = rows.partition(10 + nl, count - 10 - nl, c, true, 1);
      const catLeft = (r: number): boolean => [1, 6].includes(inp.bins[r * F + F - 1]);
      expect(Array.from(inp.rowIndex.subarray(10 + nl, 10 + nl + nl2))).toEqual(right.filter(catLeft));
      expect(Array.from(inp.rowIndex.subarray(10 + nl + nl2, count))).toEqual(right.filter((r) => !catLeft(r)));
      expectConsistent(inp, rows, 0, 10 + nl, count);

      // Without moving data only the index is partitioned.
      const left = Array.from(idx1.subarray(10, 10 + nl));
      const s2 = new SplitInfo();
      s2.feature = 0;
      s2.thresholdBin = 3;
      const nl3 = rows.partition(10, nl, s2, false, 1);
      const l3 = (r: number): boolean => inp.bins[r * F] <= 3 && inp.bins[r * F] !== numBins;
      expect(Array.from(inp.rowIndex.subarray(10, 10 + nl3))).toEqual(left.filter(l3));
      expect(Array.from(inp.rowIndex.subarray(10 + nl3, 10 + nl))).toEqual(left.filter((r) => !l3(r)));

      // finish() copies index ranges of leaves left in half 1 back to rowIndex.
      const leafStart = Int32Array.of(0, 10 + nl);
      const leafCount = Int32Array.of(10, count - 10 - nl);
      const want = Array.from(idx1.subarray(10 + nl, count));
      inp.rowIndex.fill(-1, 10 + nl, count);
      rows.finish(leafStart, leafCount, Uint8Array.of(0, 1), 2);
      expect(Array.from(inp.rowIndex.subarray(10 + nl, count))).toEqual(want);
    });
  }

  it('starts a tree over all rows from the source half (no gather) and partitions it into half 1', () => {
    const n = 257;
    const F = 28;
    const numBins = 9;
    for (const ghIsSource of [false, true]) {
      const inp0 = setup(n, F, numBins);
      inp0.rowIndex.forEach((_, i, a) => (a[i] = i));
      // As the trainer allocates it: `gh` is a view of the ordered buffers' source half.
      const inp: HistogramInputs = ghIsSource ? { ...inp0, gh: sourceGradients(inp0.ordGh, n, false) } : inp0;
      if (ghIsSource) inp.gh.set(inp0.gh);
      const rows = new LeafOrderedRows(inp, n, new Int32Array(F).fill(numBins));
      const sums = new Float64Array(2);
      expect(rows.gather(n, sums)).toBe(SOURCE_HALF);
      expectConsistent(inp, rows, SOURCE_HALF, 0, n);
      rows.sumSource(n, sums);
      let G = 0;
      for (let i = 0; i < n; i++) G += inp.gh[2 * i];
      expect(sums[0]).toBe(G);
      const s = new SplitInfo();
      s.feature = 3;
      s.thresholdBin = 5;
      const nl = rows.partition(0, n, s, true, SOURCE_HALF);
      const goesLeft = (r: number): boolean => inp.bins[r * F + 3] <= 5;
      const all = Array.from({ length: n }, (_, i) => i);
      const idx1 = rows.indexOf(childHalf(SOURCE_HALF));
      expect(childHalf(SOURCE_HALF)).toBe(1);
      expect(Array.from(idx1.subarray(0, nl))).toEqual(all.filter(goesLeft));
      expect(Array.from(idx1.subarray(nl, n))).toEqual(all.filter((r) => !goesLeft(r)));
      expectConsistent(inp, rows, 1, 0, n);
      // A bagged tree (not the identity) is gathered into half 0 from the same source.
      inp.rowIndex.forEach((_, i, a) => (a[i] = 2 * i < n ? 2 * i : 2 * (i - Math.ceil(n / 2)) + 1));
      expect(rows.gather(200, sums)).toBe(0);
      expectConsistent(inp, rows, 0, 0, 200);
    }
  });

  it('scatters counted chunks (as worker threads run them) into the same stable result', () => {
    const n = PARALLEL_PARTITION_MIN_ROWS + 5001;
    const F = 28;
    const numBins = 9;
    const missing = new Int32Array(F).fill(numBins);
    const a = setup(n, F, numBins);
    const b = setup(n, F, numBins);
    const serial = new LeafOrderedRows(a, n, missing);
    const pb = createPartitionBuffers(n, missing);
    // Runs chunks in reverse order, as a thread schedule might, with an uneven chunk count.
    const runner: PartitionRunner = {
      partitionChunkCount: () => 5,
      partitionChunks: (start, count, chunks, moveData) => {
        for (let c = chunks - 1; c >= 0; c--) countChunkLefts(b, pb, start, count, chunks, c);
        for (let c = chunks - 1; c >= 0; c--) scatterChunk(b, pb, start, count, chunks, c, moveData);
      },
    };
    const chunked = new LeafOrderedRows(b, n, missing, pb, runner);
    const sums = new Float64Array(2);
    serial.gather(n - 3, sums);
    chunked.gather(n - 3, sums);
    const s = new SplitInfo();
    s.feature = 5;
    s.thresholdBin = 3;
    s.defaultLeft = true;
    const before = Array.from(b.rowIndex.subarray(2, n - 3));
    const nl = chunked.partition(2, n - 5, s, true, 0);
    expect(serial.partition(2, n - 5, s, true, 0)).toBe(nl);
    expect(nl).toBeGreaterThan(0);
    const goesLeft = (r: number): boolean => b.bins[r * F + 5] === numBins || b.bins[r * F + 5] <= 3;
    const want = [...before.filter(goesLeft), ...before.filter((r) => !goesLeft(r))];
    // Plain loops with one assertion each: per-element expects over ~1M values take seconds.
    let bad = 0;
    const bi = chunked.indexOf(1);
    const ai = serial.indexOf(1);
    for (let i = 0; i < want.length; i++) if (bi[2 + i] !== want[i] || ai[2 + i] !== want[i]) bad++;
    for (let i = 0; i < 2 * n * b.stride; i++) if (b.ordBins[i] !== a.ordBins[i]) bad++;
    for (let i = 0; i < 4 * n; i++) if (!Object.is(b.ordGh[i], a.ordGh[i])) bad++;
    for (let i = 2; i < n - 3; i++) {
      const r = bi[i];
      const p = n + i;
      for (let f = 0; f < F; f++) if (b.ordBins[p * b.stride + f] !== b.bins[r * F + f]) bad++;
      if (b.ordGh[2 * p] !== b.gh[2 * r] || b.ordGh[2 * p + 1] !== b.gh[2 * r + 1]) bad++;
    }
    expect(bad).toBe(0);
  });
});
