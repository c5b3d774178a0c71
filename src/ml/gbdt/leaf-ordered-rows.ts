/**
 * Keeps each leaf's rows physically contiguous for the histogram kernel (LightGBM's ordered bins and
 * ordered gradients). The buffers hold two ping-pong halves and a source half with every row's bins and
 * gradient pairs in row-id order; a tree over all rows starts there (no copy), a bagged tree's rows are
 * gathered in row-index order into half 0. Every split then partitions the
 * leaf's range of the row index, the bins (moved as 32-bit words, the stride is padded) and the
 * gradient pairs together, stably, from the leaf's half into the same positions of the other half, so
 * each child is again a contiguous range in ascending row order and each row moves once per split
 * (the earlier in-place partition moved rights twice and re-moved lefts in a one-thread stitch). Ascending order keeps the floating-point
 * summation order of every histogram the same as summing the rows by id, so the model bytes do not
 * depend on this layout or on the thread count. (Gathering only the smaller child's rows before each
 * build instead was measured slower: the random reads cost what the kernel's cache misses did.)
 */
import { InternalError } from '../../core/errors.js';
import type { HistogramInputs } from './histogram-kernel.js';
import { chunkLeftCount, copyRow, countChunkLefts, createPartitionBuffers, MAX_PARTITION_CHUNKS, scatterChunk, setPartitionSplit } from './partition-kernel.js';
import type { PartitionBuffers } from './partition-kernel.js';
import type { SplitInfo } from './split-finder.js';

/**
 * Below this many rows a split is partitioned on the calling thread: waking a worker (twice: count,
 * then scatter) costs tens of microseconds, about what 10-20k row moves cost.
 */
export const PARALLEL_PARTITION_MIN_ROWS = 32_768;

/** Runs partition chunks on several threads (the parallel histogram builder's pool). */
export interface PartitionRunner {
  /** How many chunks to cut `count` rows into (1: partition on the calling thread). */
  partitionChunkCount(count: number): number;
  /** Run `countChunkLefts` and then `scatterChunk` for chunks 0..chunks-1 of [start, start+count), returning when all are done. */
  partitionChunks(start: number, count: number, chunks: number, moveData: boolean): void;
  /** Run `gatherBlock` over positions [0, count) on the runner's threads; false (nothing done) when it will not. */
  gatherRows?(count: number, identity: boolean): boolean;
}

/** Rows the leaf-ordered bins and gradient buffers must hold for `rows` training rows (two ping-pong halves and the source). */
export function orderedBufferRows(rows: number): number {
  return 3 * rows;
}

/**
 * The third "half" of the ordered buffers: the bins (padded, written once) and gradients of every row in
 * row-id order. A tree over all rows starts there, so it needs no per-tree gather; its root's children
 * go to half 1.
 */
export const SOURCE_HALF = 2;

/** The gradient pairs (one packed double per row when `packed`) by row id, as a view of the source half of `ordGh`: the trainer's `gh`. */
export function sourceGradients(ordGh: Float64Array, rows: number, packed: boolean): Float64Array {
  const k = packed ? 1 : 2;
  return ordGh.subarray(k * SOURCE_HALF * rows, k * (SOURCE_HALF + 1) * rows);
}

/** Pad the row-major bins into the source half of `ordBins` (once per training run) and return it as words: the gather source. */
export function fillSourceBins(inp: HistogramInputs, rows: number): Int32Array {
  const S = inp.stride;
  const F = inp.features;
  const ob = inp.ordBins;
  const words = new Int32Array(ob.buffer, ob.byteOffset + SOURCE_HALF * rows * S, (rows * S) >> 2);
  const dst = new Uint8Array(words.buffer, words.byteOffset, rows * S);
  if (S === F) dst.set(inp.bins.subarray(0, rows * F));
  else for (let r = 0; r < rows; r++) dst.set(inp.bins.subarray(r * F, r * F + F), r * S);
  return words;
}

/** Leaf-ordered working copy of the bins and gradients, with its partition scratch. */
export class LeafOrderedRows {
  private readonly inp: HistogramInputs;
  /** Words per row of the ordered bins. */
  private readonly W: number;
  private readonly ordWords: Int32Array;
  /** Row-major bins by row id with the padded stride, as words (the gather source). */
  private readonly srcWords: Int32Array;
  private readonly pb: PartitionBuffers;
  private readonly runner: PartitionRunner | undefined;
  /** Rows per ordered half. */
  private readonly rows: number;
  /** Whether `inp.gh` is the source half's gradients (`sourceGradients`); else they are copied there per tree. */
  private readonly ghInSource: boolean;

  /** `pb` alone preallocates the partition buffers; with a `runner` (whose workers share `pb`) partitions are multi-threaded. */
  constructor(inp: HistogramInputs, rows: number, missingBin: Int32Array, pb?: PartitionBuffers, runner?: PartitionRunner) {
    this.inp = inp;
    this.rows = rows;
    if (inp.ordBins.length < 3 * rows * inp.stride || inp.ordGh.length < 6 * rows) {
      throw new InternalError(`leaf-ordered buffers must hold three halves of ${rows} rows (see orderedBufferRows)`, {});
    }
    this.pb = pb ?? createPartitionBuffers(rows, missingBin);
    this.runner = pb ? runner : undefined;
    this.W = inp.stride >> 2;
    const ob = inp.ordBins;
    this.ordWords = new Int32Array(ob.buffer, ob.byteOffset, 2 * rows * this.W);
    const rw = this.pb.rowWords;
    const srcOffset = ob.byteOffset + SOURCE_HALF * rows * inp.stride;
    this.srcWords = rw && rw.buffer === ob.buffer && rw.byteOffset === srcOffset ? rw : fillSourceBins(inp, rows);
    const src = sourceGradients(inp.ordGh, rows, inp.packed);
    this.ghInSource = inp.gh.buffer === src.buffer && inp.gh.byteOffset === src.byteOffset;
  }

  /**
   * Make the bins and gradient pairs of rows rowIndex[0..count) (ascending row ids) contiguous and
   * return the half that holds them: the source half when the index is 0..count-1 (no copy), else half
   * 0 after a gather. After a gather it writes the sums [G, H] (added in position order, i.e. the row
   * order of the index) to `sums`; for the source half `sumSource` does (so that it can overlap the root's
   * histogram job).
   */
  gather(count: number, sums: Float64Array): number {
    const { rowIndex: idx, gh, ordGh } = this.inp;
    const W = this.W;
    const src = this.srcWords;
    const dst = this.ordWords;
    let G = 0;
    let H = 0;
    const identity = count > 0 && idx[0] === 0 && idx[count - 1] === count - 1;
    if (identity) {
      // Bins are already in the source half; gradients too when `gh` is its view (as the trainer makes it).
      const k = this.inp.packed ? 1 : 2;
      if (!this.ghInSource) ordGh.set(gh.subarray(0, k * count), k * SOURCE_HALF * this.rows);
      return SOURCE_HALF;
    }
    if (this.pb.rowWords && this.runner?.gatherRows?.(count, identity)) {
      // The copy ran on the pool's threads; the sums run here in position order, as below.
      if (this.inp.packed) {
        for (let i = 0; i < count; i++) G += ordGh[i];
      } else {
        for (let i = 0; i < count; i++) {
          G += ordGh[2 * i];
          H += ordGh[2 * i + 1];
        }
      }
      sums[0] = G;
      sums[1] = H;
      return 0;
    }
    if (this.inp.packed) {
      this.gatherPacked(count, sums);
      return 0;
    }
    for (let i = 0; i < count; i++) {
      const r = idx[i];
      copyRow(src, r * W, dst, i * W, W);
      const g = gh[2 * r];
      const h = gh[2 * r + 1];
      ordGh[2 * i] = g;
      ordGh[2 * i + 1] = h;
      G += g;
      H += h;
    }
    sums[0] = G;
    sums[1] = H;
    return 0;
  }

  /** The sums [G, H] of rows 0..count-1 of the source half into `sums`, added in row order ([packed total, 0] when packed). */
  sumSource(count: number, sums: Float64Array): void {
    const gh = this.inp.gh;
    let G = 0;
    let H = 0;
    if (this.inp.packed) for (let i = 0; i < count; i++) G += gh[i];
    else {
      for (let i = 0; i < count; i++) {
        G += gh[2 * i];
        H += gh[2 * i + 1];
      }
    }
    sums[0] = G;
    sums[1] = H;
  }

  /** `gather` of packed quantized gradients (one double per row; sums[0] = packed total, sums[1] = 0). */
  private gatherPacked(count: number, sums: Float64Array): void {
    const { rowIndex: idx, gh, ordGh } = this.inp;
    const W = this.W;
    const src = this.srcWords;
    const dst = this.ordWords;
    let P = 0;
    for (let i = 0; i < count; i++) {
      const r = idx[i];
      copyRow(src, r * W, dst, i * W, W);
      const q = gh[r];
      ordGh[i] = q;
      P += q;
    }
    sums[0] = P;
    sums[1] = 0;
  }

  /** Row index of ordered half `half` (0 and the source half use `rowIndex`). */
  indexOf(half: number): Int32Array {
    return half === 1 ? this.pb.scratchIdx : this.inp.rowIndex;
  }

  /** Ordered-data position of position 0 of half `half` (histogram builds add it to leaf positions). */
  halfBase(half: number): number {
    return half * this.rows;
  }

  /**
   * Stable partition of positions [start, start+count) of half `half` by the split into the same
   * positions of the other half (half 1 for the source half, see `childHalf`); returns how many went left. With `moveData` false only the row
   * index is partitioned (the range is never histogrammed again). Large ranges are cut into chunks
   * that the runner's threads count and then scatter concurrently, each straight to its final
   * positions, which is the same unique stable result.
   */
  partition(start: number, count: number, s: SplitInfo, moveData: boolean, half: number): number {
    const pb = this.pb;
    setPartitionSplit(pb, s, half);
    const runner = this.runner;
    const chunks = runner ? Math.max(1, Math.min(MAX_PARTITION_CHUNKS, runner.partitionChunkCount(count))) : 1;
    if (chunks > 1 && runner) runner.partitionChunks(start, count, chunks, moveData);
    else {
      countChunkLefts(this.inp, pb, start, count, 1, 0);
      scatterChunk(this.inp, pb, start, count, 1, 0, moveData);
    }
    let nLeft = 0;
    for (let c = 0; c < chunks; c++) nLeft += chunkLeftCount(pb, c);
    return nLeft;
  }

  /** Copy the index ranges of leaves that end in half 1 back to `rowIndex` (where the trainer reads leaves). */
  finish(leafStart: Int32Array, leafCount: Int32Array, leafHalf: Uint8Array, leaves: number): void {
    const idx = this.inp.rowIndex;
    const other = this.pb.scratchIdx;
    for (let l = 0; l < leaves; l++) {
      if (leafHalf[l] === 1) idx.set(other.subarray(leafStart[l], leafStart[l] + leafCount[l]), leafStart[l]);
    }
  }
}
