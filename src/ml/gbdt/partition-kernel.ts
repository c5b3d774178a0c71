/**
 * Stable partition of one contiguous chunk of a leaf's leaf-ordered rows, the unit of work of a
 * (possibly multi-threaded) split. The leaf-ordered data has two halves (ping-pong buffers): a split
 * reads the leaf from one half and writes both children to the other, so every row moves exactly
 * once and no thread has to stitch chunks afterwards. That needs each chunk's destination up front,
 * so a split runs two passes over its chunks: `countChunkLefts` reads only the split feature's bins
 * and records each chunk's left count, then `scatterChunk` writes the chunk's lefts after the lefts
 * of earlier chunks and its rights after all lefts and the rights of earlier chunks. A stable
 * partition is unique, so the result is the same for any chunking and any thread count. The split,
 * the source half and the left counts travel through a shared Int32 `state` block so that worker
 * threads can run chunks from a job that carries only row positions.
 */
import { sharedBuffer } from '../parallel/shared-buffer.js';
import { compiledScatter, float64CopyIsExact } from './compiled-partition-scatter.js';
import type { HistogramInputs } from './histogram-kernel.js';
import { compileWasmCountLefts, compileWasmScatter } from './wasm/wasm-partition-kernel.js';
import type { WasmCountLefts, WasmScatter } from './wasm/wasm-partition-kernel.js';
import type { SplitInfo } from './split-finder.js';

/** Most chunks of one partition job. */
export const MAX_PARTITION_CHUNKS = 64;
const FEATURE = 0;
const THRESHOLD = 1;
const DEFAULT_LEFT = 2;
const CATEGORICAL = 3;
const BITS = 4;
const SRC_HALF = 12;
const HALF_ROWS = 13;
const COUNTS = 14;

/** Second row-index half and split state of the partition, shared with worker threads when they exist. */
export interface PartitionBuffers {
  /** Row index of ordered half 1 (half 0's is `rowIndex`). */
  readonly scratchIdx: Int32Array;
  /** Missing bin of each feature (its value-bin count). */
  readonly missingBin: Int32Array;
  /** [0] feature, [1] threshold bin, [2] default left, [3] categorical, [4..12) category bits, [12] source half, [13] rows per half, [14..) left count per chunk. */
  readonly state: Int32Array;
  /**
   * Bins by row id with the ordered stride, as 32-bit words (the ordered buffers' source half): the
   * source of the per-tree gather, given so that worker threads can gather too.
   */
  readonly rowWords?: Int32Array;
}

/**
 * Allocate partition buffers for halves of `rows` rows (shared memory when available); `rowWords` is the
 * padded gather source (`fillSourceBins`), given when worker threads gather too; `scratchIdx` a
 * preallocated half-1 row index (in the kernel memory, `ordered-buffers.ts`).
 */
export function createPartitionBuffers(rows: number, missingBin: Int32Array, rowWords?: Int32Array, scratchIdx?: Int32Array): PartitionBuffers {
  const state = new Int32Array(sharedBuffer(4 * (COUNTS + MAX_PARTITION_CHUNKS)));
  state[HALF_ROWS] = rows;
  return { scratchIdx: scratchIdx ?? new Int32Array(sharedBuffer(4 * rows)), missingBin: Int32Array.from(missingBin), state, rowWords };
}

/** Rows per block of a gather job. */
export const GATHER_BLOCK_ROWS = 16_384;

/**
 * Copy positions [b * GATHER_BLOCK_ROWS, ...) (below `count`) of the per-tree gather: the bins and
 * gradients of row `rowIndex[i]` (row i when `identity`) to position i of ordered half 0.
 */
export function gatherBlock(inp: HistogramInputs, src: Int32Array, count: number, identity: boolean, b: number): void {
  const { rowIndex: idx, gh, ordGh, ordBins } = inp;
  const W = inp.stride >> 2;
  const dst = new Int32Array(ordBins.buffer, ordBins.byteOffset, ordBins.byteLength >> 2);
  const p0 = b * GATHER_BLOCK_ROWS;
  const p1 = Math.min(count, p0 + GATHER_BLOCK_ROWS);
  const k = inp.packed ? 1 : 2;
  if (identity) {
    dst.set(src.subarray(p0 * W, p1 * W), p0 * W);
    ordGh.set(gh.subarray(k * p0, k * p1), k * p0);
    return;
  }
  for (let i = p0; i < p1; i++) {
    const r = idx[i];
    copyRow(src, r * W, dst, i * W, W);
    if (k === 1) ordGh[i] = gh[r];
    else {
      ordGh[2 * i] = gh[2 * r];
      ordGh[2 * i + 1] = gh[2 * r + 1];
    }
  }
}

/** Ordered half that the children of a leaf in half `half` land in (the source half's go to half 1). */
export function childHalf(half: number): number {
  return half === 1 ? 0 : 1;
}

/** Publish the split that the next chunks partition by, reading from ordered half `srcHalf`. */
export function setPartitionSplit(pb: PartitionBuffers, s: SplitInfo, srcHalf: number): void {
  const st = pb.state;
  st[FEATURE] = s.feature;
  st[THRESHOLD] = s.thresholdBin;
  st[DEFAULT_LEFT] = s.defaultLeft ? 1 : 0;
  st[CATEGORICAL] = s.categorical ? 1 : 0;
  for (let w = 0; w < 8; w++) st[BITS + w] = s.catBits[w];
  st[SRC_HALF] = srcHalf;
}

/** First position of chunk `c` of `chunks` over [start, start+count). */
export function chunkStart(start: number, count: number, chunks: number, c: number): number {
  return start + Math.floor((c * count) / chunks);
}

/** Left rows counted by chunk `c` of the last partition job. */
export function chunkLeftCount(pb: PartitionBuffers, c: number): number {
  return pb.state[COUNTS + c];
}

/** WebAssembly passes of one run (per thread), compiled on first use. */
interface WasmPartitionKernels {
  readonly count: WasmCountLefts;
  readonly move: WasmScatter;
  readonly index: WasmScatter;
}
const wasmKernels = new WeakMap<HistogramInputs, WasmPartitionKernels | null>();

/**
 * The WebAssembly passes for `inp` when its data and both row-index halves live in the kernel memory
 * (`ordered-buffers.ts`) and gradients are pairs; else undefined (the TypeScript loops run).
 */
function wasmPartition(inp: HistogramInputs, pb: PartitionBuffers): WasmPartitionKernels | undefined {
  let k = wasmKernels.get(inp);
  if (k === undefined) {
    const memory = inp.kernelMemory;
    const buf = inp.ordBins.buffer;
    k = null;
    if (memory && !inp.packed && inp.stride % 4 === 0 && inp.rowIndex.buffer === buf && pb.scratchIdx.buffer === buf && inp.ordGh.buffer === buf) {
      const count = compileWasmCountLefts(memory, inp.stride);
      const move = compileWasmScatter(memory, inp.stride, true);
      const index = compileWasmScatter(memory, inp.stride, false);
      if (count && move && index) k = { count, move, index };
    }
    wasmKernels.set(inp, k);
  }
  return k ?? undefined;
}

/** Pass 1: count the left rows of chunk `c` of `chunks` over positions [start, start+count). */
export function countChunkLefts(inp: HistogramInputs, pb: PartitionBuffers, start: number, count: number, chunks: number, c: number): void {
  const { ordBins: bins, stride } = inp;
  const st = pb.state;
  const f = st[FEATURE];
  const thr = st[THRESHOLD];
  const defLeft = st[DEFAULT_LEFT] === 1 ? 1 : 0;
  const cat = st[CATEGORICAL] === 1;
  const missing = pb.missingBin[f];
  const base = st[SRC_HALF] * st[HALF_ROWS];
  const end = base + chunkStart(start, count, chunks, c + 1);
  const w = cat ? undefined : wasmPartition(inp, pb);
  if (w) {
    const first = base + chunkStart(start, count, chunks, c);
    st[COUNTS + c] = w.count(bins.byteOffset + first * stride, end - first, f, thr, missing, defLeft);
    return;
  }
  let nl = 0;
  let p = (base + chunkStart(start, count, chunks, c)) * stride + f;
  const pe = end * stride + f;
  // Branch-free as in `scatterChunk`: left or right is unpredictable per row.
  if (cat) {
    for (; p < pe; p += stride) {
      const b = bins[p];
      const g = (st[BITS + (b >> 5)] >>> (b & 31)) & 1;
      const m = b === missing ? 1 : 0;
      nl += g ^ ((g ^ defLeft) & -m);
    }
  } else {
    for (; p < pe; p += stride) {
      const b = bins[p];
      const g = ((thr - b) >>> 31) ^ 1;
      const m = b === missing ? 1 : 0;
      nl += g ^ ((g ^ defLeft) & -m);
    }
  }
  st[COUNTS + c] = nl;
}

/**
 * Pass 2: move chunk `c`'s rows from the source half to their final positions in the other half
 * (needs every chunk's left count from pass 1). With `moveData` false only the row index moves.
 * `compiled` false runs the generic loop (the compiled loops' reference in tests).
 */
export function scatterChunk(inp: HistogramInputs, pb: PartitionBuffers, start: number, count: number, chunks: number, c: number, moveData: boolean, compiled = true): void {
  const { ordBins: bins, ordGh: gh, stride } = inp;
  // Quantized gradients are one packed double per row.
  const packed = inp.packed;
  const W = stride >> 2;
  const words = new Int32Array(bins.buffer, bins.byteOffset, bins.byteLength >> 2);
  const st = pb.state;
  const f = st[FEATURE];
  const thr = st[THRESHOLD];
  const defLeft = st[DEFAULT_LEFT] === 1;
  const cat = st[CATEGORICAL] === 1;
  const missing = pb.missingBin[f];
  const srcHalf = st[SRC_HALF];
  const half = st[HALF_ROWS];
  // Half 0 and the source half (2, identity order) index rows through rowIndex; children of either go to half 1.
  const dstHalf = childHalf(srcHalf);
  const srcIdx = srcHalf === 1 ? pb.scratchIdx : inp.rowIndex;
  const dstIdx = dstHalf === 1 ? pb.scratchIdx : inp.rowIndex;
  let leftsBefore = 0;
  for (let k = 0; k < c; k++) leftsBefore += st[COUNTS + k];
  let totalLeft = leftsBefore;
  for (let k = c; k < chunks; k++) totalLeft += st[COUNTS + k];
  const cs = chunkStart(start, count, chunks, c);
  const end = chunkStart(start, count, chunks, c + 1);
  let dl = start + leftsBefore;
  let dr = start + totalLeft + (cs - start - leftsBefore);
  // Ordered data positions are offset by the half: source at sb + i, destination at db + d.
  const sb = srcHalf * half;
  const db = dstHalf * half;
  // Branch-free side choice: which child a row goes to is a coin flip for the CPU's branch predictor
  // (about half the rows of a split go each way), so a mispredicted branch per row cost more than the
  // row copy itself. `g` is 1 for left; the destination is selected with a mask, not a branch.
  const dm = defLeft ? 1 : 0;
  const w = cat || !compiled ? undefined : wasmPartition(inp, pb);
  if (w) {
    (moveData ? w.move : w.index)(bins.byteOffset + (sb + cs) * stride, gh.byteOffset + 16 * (sb + cs), srcIdx.byteOffset + 4 * cs, end - cs, bins.byteOffset + db * stride, gh.byteOffset + 16 * db, dstIdx.byteOffset, dl, dr, f, thr, missing, dm);
    return;
  }
  const doubles = moveData && W % 2 === 0 && bins.byteOffset % 8 === 0 && float64CopyIsExact();
  const loop = compiled ? compiledScatter(W, packed, cat, moveData, BITS, doubles) : undefined;
  if (loop) {
    const dwords = doubles ? new Float64Array(bins.buffer, bins.byteOffset, bins.byteLength >> 3) : undefined;
    loop(bins, words, dwords, gh, srcIdx, dstIdx, st, f, thr, dm, missing, sb, db, cs, end, dl, dr);
    return;
  }
  for (let i = cs; i < end; i++) {
    const b = bins[(sb + i) * stride + f];
    let g = cat ? (st[BITS + (b >> 5)] >>> (b & 31)) & 1 : ((thr - b) >>> 31) ^ 1;
    const m = b === missing ? 1 : 0;
    g ^= (g ^ dm) & -m;
    const d = dr ^ ((dl ^ dr) & -g);
    dl += g;
    dr += 1 - g;
    dstIdx[d] = srcIdx[i];
    if (moveData) {
      const s = sb + i;
      const t = db + d;
      copyRow(words, s * W, words, t * W, W);
      if (packed) gh[t] = gh[s];
      else {
        gh[2 * t] = gh[2 * s];
        gh[2 * t + 1] = gh[2 * s + 1];
      }
    }
  }
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
