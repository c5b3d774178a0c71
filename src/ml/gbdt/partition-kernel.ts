/**
 * Stable partition of one contiguous chunk of a leaf's leaf-ordered rows, the unit of work of a
 * (possibly multi-threaded) split. A chunk keeps its left rows in place (moved down, never ahead of
 * the read position) and writes its right rows to the same positions of the scratch buffers; the
 * caller then stitches the chunks (lefts in chunk order, then rights in chunk order). A stable
 * partition is unique, so the result is the same for any chunking and any thread count. The split
 * and each chunk's left count travel through a shared Int32 `state` block so that worker threads can
 * run chunks from a job that carries only row positions.
 */
import type { HistogramInputs } from './histogram-kernel.js';
import type { SplitInfo } from './split-finder.js';

/** Most chunks of one partition job. */
export const MAX_PARTITION_CHUNKS = 64;
const FEATURE = 0;
const THRESHOLD = 1;
const DEFAULT_LEFT = 2;
const CATEGORICAL = 3;
const BITS = 4;
const COUNTS = 12;

/** Scratch and split state of the partition, shared with worker threads when they exist. */
export interface PartitionBuffers {
  /** Right rows' bins as words, same positions as in the ordered bins. */
  readonly scratchWords: Int32Array;
  readonly scratchGh: Float64Array;
  readonly scratchIdx: Int32Array;
  /** Missing bin of each feature (its value-bin count). */
  readonly missingBin: Int32Array;
  /** [0] feature, [1] threshold bin, [2] default left, [3] categorical, [4..12) category bits, [12..) left count per chunk. */
  readonly state: Int32Array;
}

/** Allocate partition buffers for `rows` rows of `stride` bytes (shared memory when available). */
export function createPartitionBuffers(rows: number, stride: number, missingBin: Int32Array): PartitionBuffers {
  const shared = (bytes: number): ArrayBufferLike => (typeof SharedArrayBuffer === 'function' ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  return {
    scratchWords: new Int32Array(shared(rows * stride)),
    scratchGh: new Float64Array(shared(16 * rows)),
    scratchIdx: new Int32Array(shared(4 * rows)),
    missingBin: Int32Array.from(missingBin),
    state: new Int32Array(shared(4 * (COUNTS + MAX_PARTITION_CHUNKS))),
  };
}

/** Publish the split that the next chunks partition by. */
export function setPartitionSplit(pb: PartitionBuffers, s: SplitInfo): void {
  const st = pb.state;
  st[FEATURE] = s.feature;
  st[THRESHOLD] = s.thresholdBin;
  st[DEFAULT_LEFT] = s.defaultLeft ? 1 : 0;
  st[CATEGORICAL] = s.categorical ? 1 : 0;
  for (let w = 0; w < 8; w++) st[BITS + w] = s.catBits[w];
}

/** First position of chunk `c` of `chunks` over [start, start+count). */
export function chunkStart(start: number, count: number, chunks: number, c: number): number {
  return start + Math.floor((c * count) / chunks);
}

/** Left rows counted by chunk `c` of the last partition job. */
export function chunkLeftCount(pb: PartitionBuffers, c: number): number {
  return pb.state[COUNTS + c];
}

/**
 * Partition chunk `c` of `chunks` over positions [start, start+count) by the published split.
 * With `moveData` false only the row index moves.
 */
export function partitionChunk(inp: HistogramInputs, pb: PartitionBuffers, start: number, count: number, chunks: number, c: number, moveData: boolean): void {
  const { ordBins: bins, ordGh: gh, rowIndex: idx, stride } = inp;
  const W = stride >> 2;
  const words = new Int32Array(bins.buffer, bins.byteOffset, bins.byteLength >> 2);
  const tw = pb.scratchWords;
  const tg = pb.scratchGh;
  const ti = pb.scratchIdx;
  const st = pb.state;
  const f = st[FEATURE];
  const thr = st[THRESHOLD];
  const defLeft = st[DEFAULT_LEFT] === 1;
  const cat = st[CATEGORICAL] === 1;
  const missing = pb.missingBin[f];
  const cs = chunkStart(start, count, chunks, c);
  const end = chunkStart(start, count, chunks, c + 1);
  let nl = 0;
  let r = cs;
  for (let i = cs; i < end; i++) {
    const b = bins[i * stride + f];
    const goLeft = b === missing ? defLeft : cat ? ((st[BITS + (b >> 5)] >>> (b & 31)) & 1) === 1 : b <= thr;
    if (goLeft) {
      const d = cs + nl++;
      if (d !== i) {
        idx[d] = idx[i];
        if (moveData) {
          copyRow(words, i * W, words, d * W, W);
          gh[2 * d] = gh[2 * i];
          gh[2 * d + 1] = gh[2 * i + 1];
        }
      }
    } else {
      ti[r] = idx[i];
      if (moveData) {
        copyRow(words, i * W, tw, r * W, W);
        tg[2 * r] = gh[2 * i];
        tg[2 * r + 1] = gh[2 * i + 1];
      }
      r++;
    }
  }
  st[COUNTS + c] = nl;
}

/**
 * Copy one row of W words; straight-line for the padded strides of up to 32 features (a loop over
 * 7 words measured ~2x slower than straight-line copies in the partition loop).
 */
export function copyRow(src: Int32Array, s: number, dst: Int32Array, d: number, W: number): void {
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
