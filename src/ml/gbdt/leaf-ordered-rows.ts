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
import type { SplitInfo } from './split-finder.js';

/** Leaf-ordered working copy of the bins and gradients, with its partition scratch. */
export class LeafOrderedRows {
  private readonly inp: HistogramInputs;
  /** Words per row of the ordered bins. */
  private readonly W: number;
  private readonly ordWords: Int32Array;
  /** Row-major bins by row id with the padded stride, as words (the gather source). */
  private readonly srcWords: Int32Array;
  private readonly tmpWords: Int32Array;
  private readonly tmpGh: Float64Array;
  private readonly tmpIdx: Int32Array;
  /** Missing bin of each feature (its value-bin count). */
  private readonly missingBin: Int32Array;

  constructor(inp: HistogramInputs, rows: number, missingBin: Int32Array) {
    this.inp = inp;
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
    this.tmpWords = new Int32Array(rows * this.W);
    this.tmpGh = new Float64Array(2 * rows);
    this.tmpIdx = new Int32Array(rows);
    this.missingBin = missingBin;
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
   */
  partition(start: number, count: number, s: SplitInfo, moveData: boolean): number {
    const { ordBins: bins, ordGh: gh, rowIndex: idx, stride } = this.inp;
    const words = this.ordWords;
    const W = this.W;
    const tw = this.tmpWords;
    const tg = this.tmpGh;
    const ti = this.tmpIdx;
    const f = s.feature;
    const missing = this.missingBin[f];
    const defLeft = s.defaultLeft;
    const cat = s.categorical;
    const bits = s.catBits;
    const thr = s.thresholdBin;
    const end = start + count;
    let nl = 0;
    let nr = 0;
    for (let i = start; i < end; i++) {
      const b = bins[i * stride + f];
      const goLeft = b === missing ? defLeft : cat ? ((bits[b >> 5] >>> (b & 31)) & 1) === 1 : b <= thr;
      if (goLeft) {
        // Left rows move down in place (never ahead of the read position), right rows to scratch.
        const d = start + nl++;
        if (d !== i) {
          idx[d] = idx[i];
          if (moveData) {
            copyRow(words, i * W, words, d * W, W);
            gh[2 * d] = gh[2 * i];
            gh[2 * d + 1] = gh[2 * i + 1];
          }
        }
      } else {
        ti[nr] = idx[i];
        if (moveData) {
          copyRow(words, i * W, tw, nr * W, W);
          tg[2 * nr] = gh[2 * i];
          tg[2 * nr + 1] = gh[2 * i + 1];
        }
        nr++;
      }
    }
    const mid = start + nl;
    idx.set(ti.subarray(0, nr), mid);
    if (moveData) {
      words.set(tw.subarray(0, nr * W), mid * W);
      gh.set(tg.subarray(0, 2 * nr), 2 * mid);
    }
    return nl;
  }
}

/**
 * Copy one row of W words; straight-line for the padded strides of up to 32 features (a loop over
 * 7 words measured ~2x slower than straight-line copies in the partition loop).
 */
function copyRow(src: Int32Array, s: number, dst: Int32Array, d: number, W: number): void {
  if (W === 8) {
    dst[d] = src[s];
    dst[d + 1] = src[s + 1];
    dst[d + 2] = src[s + 2];
    dst[d + 3] = src[s + 3];
    dst[d + 4] = src[s + 4];
    dst[d + 5] = src[s + 5];
    dst[d + 6] = src[s + 6];
    dst[d + 7] = src[s + 7];
  } else if (W === 4) {
    dst[d] = src[s];
    dst[d + 1] = src[s + 1];
    dst[d + 2] = src[s + 2];
    dst[d + 3] = src[s + 3];
  } else {
    for (let w = 0; w < W; w++) dst[d + w] = src[s + w];
  }
}
