/**
 * Keeps each leaf's rows physically contiguous for the histogram kernel (LightGBM's ordered bins and
 * ordered gradients). At the start of a tree the bins and gradient pairs of the tree's rows are
 * gathered in row-index order; every split then partitions the leaf's range of the row index, the
 * bins (moved as 32-bit words, the stride is padded) and the gradient pairs together, stably, so each
 * child is again a contiguous range in ascending row order. Ascending order keeps the floating-point
 * summation order of every histogram the same as summing the rows by id, so the model bytes do not
 * depend on this layout or on the thread count. (Gathering only the smaller child's rows before each
 * build instead was measured slower: the random reads cost what the kernel's cache misses did.)
 */
import type { HistogramInputs } from './histogram-kernel.js';
import { chunkLeftCount, chunkStart, copyRow, createPartitionBuffers, MAX_PARTITION_CHUNKS, partitionChunk, setPartitionSplit } from './partition-kernel.js';
import type { PartitionBuffers } from './partition-kernel.js';
import type { SplitInfo } from './split-finder.js';

/**
 * Below this many rows a split is partitioned on the calling thread: waking a worker costs tens of
 * microseconds, about what 10-20k row moves cost.
 */
export const PARALLEL_PARTITION_MIN_ROWS = 32_768;

/** Runs partition chunks on several threads (the parallel histogram builder's pool). */
export interface PartitionRunner {
  /** How many chunks to cut `count` rows into. */
  partitionChunkCount(count: number): number;
  /** Run `partitionChunk` for chunks 0..chunks-1 of [start, start+count), returning when all are done. */
  partitionChunks(start: number, count: number, chunks: number, moveData: boolean): void;
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

  /** `pb` and `runner` must be given together for multi-threaded partitions (the workers share `pb`). */
  constructor(inp: HistogramInputs, rows: number, missingBin: Int32Array, pb?: PartitionBuffers, runner?: PartitionRunner) {
    this.inp = inp;
    this.pb = pb ?? createPartitionBuffers(rows, inp.stride, missingBin);
    this.runner = pb ? runner : undefined;
    const S = inp.stride;
    const F = inp.features;
    this.W = S >> 2;
    const ob = inp.ordBins;
    this.ordWords = new Int32Array(ob.buffer, ob.byteOffset, rows * this.W);
    const src = inp.bins;
    if (S === F && src.byteOffset % 4 === 0) {
      this.srcWords = new Int32Array(src.buffer, src.byteOffset, rows * this.W);
    } else {
      // Pad once so that every per-tree gather moves whole words.
      const padded = new Uint8Array(rows * S);
      for (let r = 0; r < rows; r++) padded.set(src.subarray(r * F, r * F + F), r * S);
      this.srcWords = new Int32Array(padded.buffer);
    }
  }

  /**
   * Gather the bins and gradient pairs of rows rowIndex[0..count) (ascending row ids) into positions
   * 0..count; writes the sums [G, H] (added in position order, i.e. the row order of the index) to
   * `sums`.
   */
  gather(count: number, sums: Float64Array): void {
    const { rowIndex: idx, gh, ordGh } = this.inp;
    const W = this.W;
    const src = this.srcWords;
    const dst = this.ordWords;
    let G = 0;
    let H = 0;
    // An ascending index (as the trainer builds it) from 0 to count-1 is the identity: bulk copies.
    if (count > 0 && idx[0] === 0 && idx[count - 1] === count - 1) {
      dst.set(src.subarray(0, count * W));
      ordGh.set(gh.subarray(0, 2 * count));
      for (let i = 0; i < count; i++) {
        G += gh[2 * i];
        H += gh[2 * i + 1];
      }
      sums[0] = G;
      sums[1] = H;
      return;
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
  }

  /**
   * Stable partition of positions [start, start+count) by the split; returns how many went left.
   * With `moveData` false only the row index is partitioned (the range is never histogrammed again).
   * Large ranges are cut into chunks that the runner's threads partition concurrently; the chunks are
   * then stitched with bulk copies (memmove), which is the same unique stable result.
   */
  partition(start: number, count: number, s: SplitInfo, moveData: boolean): number {
    const pb = this.pb;
    setPartitionSplit(pb, s);
    const runner = this.runner;
    const chunks = runner && count >= PARALLEL_PARTITION_MIN_ROWS ? Math.min(MAX_PARTITION_CHUNKS, runner.partitionChunkCount(count)) : 1;
    if (chunks > 1 && runner) runner.partitionChunks(start, count, chunks, moveData);
    else partitionChunk(this.inp, pb, start, count, 1, 0, moveData);
    const { ordGh: gh, rowIndex: idx } = this.inp;
    const words = this.ordWords;
    const W = this.W;
    // Lefts move down in chunk order (each destination is at or before its source), then rights.
    let d = start;
    for (let c = 0; c < chunks; c++) {
      const cs = chunkStart(start, count, chunks, c);
      const nl = chunkLeftCount(pb, c);
      if (d !== cs && nl > 0) {
        idx.copyWithin(d, cs, cs + nl);
        if (moveData) {
          words.copyWithin(d * W, cs * W, (cs + nl) * W);
          gh.copyWithin(2 * d, 2 * cs, 2 * (cs + nl));
        }
      }
      d += nl;
    }
    const nLeft = d - start;
    for (let c = 0; c < chunks; c++) {
      const cs = chunkStart(start, count, chunks, c);
      const ce = chunkStart(start, count, chunks, c + 1);
      const nr = ce - cs - chunkLeftCount(pb, c);
      if (nr === 0) continue;
      idx.set(pb.scratchIdx.subarray(cs, cs + nr), d);
      if (moveData) {
        words.set(pb.scratchWords.subarray(cs * W, (cs + nr) * W), d * W);
        gh.set(pb.scratchGh.subarray(2 * cs, 2 * (cs + nr)), 2 * d);
      }
      d += nr;
    }
    return nLeft;
  }
}
