/**
 * Row-parallel histograms of large leaves. A leaf of at least `2 * HIST_ROW_BLOCK` rows is cut into
 * fixed blocks of `HIST_ROW_BLOCK` positions from its start; block 0 is summed straight into the
 * target slot, every other block into its own partial histogram, and the partials are then added to
 * the target in block order. The grouping depends only on the leaf's size, never on which thread
 * summed a block, so 1 and N threads give identical bytes. Compared with feature blocks, each thread
 * reads only its own rows (a feature block re-reads every row's cache lines and gradients).
 */
import { sharedBuffer } from '../parallel/shared-buffer.js';
import { buildHistogramInto } from './histogram-kernel.js';
import type { HistogramInputs } from './histogram-kernel.js';

/** Rows per block; a partial histogram (~115 KB for 28 x 256 bins) stays in L2 meanwhile. */
export const HIST_ROW_BLOCK = 32_768;

/** Whether a leaf of `count` rows is built in row blocks. */
export function usesRowBlocks(count: number): boolean {
  return count >= 2 * HIST_ROW_BLOCK;
}

/** Row blocks of a leaf of `count` rows. */
export function rowBlockCount(count: number): number {
  return Math.ceil(count / HIST_ROW_BLOCK);
}

/** Doubles of the partial-histogram buffer for leaves of up to `rows` rows (block 0 needs none). */
export function rowBlockPartialsLength(rows: number, histSize: number): number {
  return Math.max(0, rowBlockCount(rows) - 1) * histSize;
}

/** Partial-histogram buffer for leaves of up to `rows` rows: the inputs' preallocated one, else a new one. */
export function createRowBlockPartials(rows: number, histSize: number, preallocated?: Float64Array): Float64Array {
  if (preallocated && preallocated.length >= rowBlockPartialsLength(rows, histSize)) return preallocated;
  const bytes = 8 * rowBlockPartialsLength(rows, histSize);
  return new Float64Array(sharedBuffer(bytes));
}

/** Sum row block `b` of positions [start, end) (block 0 into `slot`, others into their partial). */
export function buildRowBlock(inp: HistogramInputs, partials: Float64Array, start: number, end: number, slot: number, b: number): void {
  const s = start + b * HIST_ROW_BLOCK;
  const e = Math.min(end, s + HIST_ROW_BLOCK);
  if (b === 0) buildHistogramInto(inp, s, e, inp.hist, slot * inp.histSize, 0, inp.features);
  else buildHistogramInto(inp, s, e, partials, (b - 1) * inp.histSize, 0, inp.features);
}

/** Add the partials of blocks 1..blocks-1 to `slot`, in block order. */
export function reduceRowBlocks(inp: HistogramInputs, partials: Float64Array, slot: number, blocks: number): void {
  const { hist, histSize } = inp;
  const a = slot * histSize;
  for (let b = 1; b < blocks; b++) {
    const p = (b - 1) * histSize;
    for (let i = 0; i < histSize; i++) hist[a + i] += partials[p + i];
  }
}

/** `reduceRowBlocks` of features [f0, f1) only (each slot still gets its partials in block order: same bytes). */
export function reduceRowBlocksSlice(inp: HistogramInputs, partials: Float64Array, slot: number, blocks: number, f0: number, f1: number): void {
  const { hist, histSize, offsets2, features: F } = inp;
  const shift = inp.packed ? 1 : 0;
  const z0 = offsets2[f0] >> shift;
  const z1 = f1 < F ? offsets2[f1] >> shift : histSize >> shift;
  const a = slot * histSize;
  for (let b = 1; b < blocks; b++) {
    const p = (b - 1) * histSize;
    for (let i = z0; i < z1; i++) hist[a + i] += partials[p + i];
  }
}
