/**
 * The hot loop of training: gradient/hessian histograms of one leaf's rows over a slice of
 * features. The grower keeps every leaf's rows physically contiguous ("leaf-ordered", LightGBM's
 * ordered bins and gradients): position i of the working buffers holds the bins and (grad, hess) of
 * row `rowIndex[i]`, so a leaf is a contiguous byte range and the kernel streams memory instead of
 * missing the cache on every scattered row (measured ~5.8 -> ~2.4 ns per row-feature). Bins are
 * row-major uint8 with a stride padded to 4 bytes (rows move as 32-bit words when partitioned), and
 * the feature loop is unrolled by 4 (2x faster than a plain loop, see PERFORMANCE.md). Runs unchanged
 * in the main thread and in worker threads, which each take a slice of features, so every feature's
 * sums are added in the same order whatever the number of threads (deterministic model bytes). Slots
 * hold two doubles (sum grad, sum hess): a third count channel cost 30% more time per row-feature
 * (measured 3.4 vs 2.4 ns), so counts are estimated from hessians at split time, as LightGBM does.
 */

import { compileHistogramKernel } from './compiled-histogram-kernel.js';
import type { CompiledHistogramKernel } from './compiled-histogram-kernel.js';
import { compileWasmHistogramKernel } from './wasm/wasm-histogram-kernel.js';
import type { WasmHistogramKernel } from './wasm/wasm-histogram-kernel.js';
import type { WasmMemory } from './wasm/wasm-api.js';

/** Inputs shared by every histogram build of one training run. */
export interface HistogramInputs {
  /** Row-major bins by row id (`rows x features`, stride `features`). */
  readonly bins: Uint8Array;
  readonly features: number;
  /** Slot offset of each feature times 2 (doubles per slot). */
  readonly offsets2: Int32Array;
  /** Total doubles of one histogram (slots x 2). */
  readonly histSize: number;
  /** Interleaved gradient pairs by row id: grad of row r at 2r, hess at 2r+1. */
  readonly gh: Float64Array;
  /** Row indices, leaves own contiguous ranges. */
  readonly rowIndex: Int32Array;
  /** Bytes per row of `ordBins` (see `orderedStride`). */
  readonly stride: number;
  /** Leaf-ordered bins: the bins of row `rowIndex[i]` at `i * stride` (kept by the tree grower). */
  readonly ordBins: Uint8Array;
  /** Leaf-ordered gradient pairs: those of row `rowIndex[i]` at 2i and 2i+1. */
  readonly ordGh: Float64Array;
  /** Histogram pool, one `histSize` slice per slot. */
  readonly hist: Float64Array;
  /**
   * Quantized gradients (`gradient-quantizer.ts`): `gh`/`ordGh` hold one packed integer per row (at r / i)
   * and a histogram slot is one packed double, feature f's bins at `offsets2[f] / 2` (the slice's
   * second half stays zero).
   */
  readonly packed: boolean;
  /**
   * The shared WebAssembly memory that `ordBins`, `ordGh`, `hist` and `partials` were carved from
   * (`wasm/kernel-memory.ts`): histograms into it run the SIMD kernel. Absent: TypeScript kernels.
   */
  readonly kernelMemory?: WasmMemory;
  /** Row-block partial histograms (`row-block-histogram.ts`), preallocated in `kernelMemory`. */
  readonly partials?: Float64Array;
}

/**
 * Row stride in bytes of the leaf-ordered bins for F features: 16 or 32 bytes up to 32 features, so
 * that partitioning moves a row with 4 or 8 straight-line word copies, else F rounded up to 4.
 */
export function orderedStride(features: number): number {
  return features <= 16 ? 16 : features <= 32 ? 32 : (features + 3) & ~3;
}

/** Build features [f0, f1) of the histogram of leaf-ordered positions [start, end) into pool slot `slot`. */
export function buildHistogramSlice(inp: HistogramInputs, start: number, end: number, slot: number, f0: number, f1: number): void {
  buildHistogramInto(inp, start, end, inp.hist, slot * inp.histSize, f0, f1);
}

/** Compiled kernels of one run's inputs, by feature slice (`f0 * 65536 + f1`); `null` = not compilable. */
interface KernelCache {
  readonly words: Int32Array | undefined;
  readonly bySlice: Map<number, CompiledHistogramKernel | null>;
  readonly wasmBySlice: Map<number, WasmHistogramKernel | null>;
}
const kernelCaches = new WeakMap<HistogramInputs, KernelCache>();

/** The kernel cache of one run's inputs (per thread: workers have their own copy of the inputs). */
function kernelCache(inp: HistogramInputs): KernelCache {
  let cache = kernelCaches.get(inp);
  if (!cache) {
    const ob = inp.ordBins;
    const words = ob.byteOffset % 4 === 0 && inp.stride % 4 === 0 ? new Int32Array(ob.buffer, ob.byteOffset, ob.byteLength >> 2) : undefined;
    cache = { words, bySlice: new Map(), wasmBySlice: new Map() };
    kernelCaches.set(inp, cache);
  }
  return cache;
}

/** The compiled kernel of features [f0, f1) of `inp` (compiled on first use), or undefined. */
function compiledKernel(inp: HistogramInputs, f0: number, f1: number): { fn: CompiledHistogramKernel; words: Int32Array } | undefined {
  const cache = kernelCache(inp);
  if (!cache.words) return undefined;
  const key = f0 * 65536 + f1;
  let fn = cache.bySlice.get(key);
  if (fn === undefined) {
    fn = compileHistogramKernel(inp.offsets2, inp.stride, f0, f1, inp.packed) ?? null;
    cache.bySlice.set(key, fn);
  }
  return fn ? { fn, words: cache.words } : undefined;
}

/** The WebAssembly kernel of features [f0, f1) of `inp` (compiled on first use in this thread), or undefined. */
function wasmKernel(inp: HistogramInputs, f0: number, f1: number): WasmHistogramKernel | undefined {
  const memory = inp.kernelMemory;
  if (!memory || inp.packed) return undefined;
  const cache = kernelCache(inp);
  const key = f0 * 65536 + f1;
  let fn = cache.wasmBySlice.get(key);
  if (fn === undefined) {
    fn = compileWasmHistogramKernel(memory, inp.offsets2, inp.stride, f0, f1) ?? null;
    cache.wasmBySlice.set(key, fn);
  }
  return fn ?? undefined;
}

/** Build features [f0, f1) of the histogram of positions [start, end) into `hist` at offset `hb`. */
export function buildHistogramInto(inp: HistogramInputs, start: number, end: number, hist: Float64Array, hb: number, f0: number, f1: number): void {
  // Targets in the kernel memory (the pool and the partials share the ordered data's buffer) run in WebAssembly.
  const w = hist.buffer === inp.ordBins.buffer ? wasmKernel(inp, f0, f1) : undefined;
  if (w) {
    const { features: F, offsets2 } = inp;
    const z1 = f1 < F ? hb + offsets2[f1] : hb + inp.histSize;
    hist.fill(0, hb + offsets2[f0], z1);
    w(inp.ordBins.byteOffset + start * inp.stride, inp.ordGh.byteOffset + 16 * start, hist.byteOffset + 8 * hb, end - start);
    return;
  }
  const k = compiledKernel(inp, f0, f1);
  if (k) {
    const { features: F, offsets2 } = inp;
    const shift = inp.packed ? 1 : 0;
    const z0 = hb + (offsets2[f0] >> shift);
    const z1 = f1 < F ? hb + (offsets2[f1] >> shift) : hb + (inp.histSize >> shift);
    hist.fill(0, z0, z1);
    k.fn(inp.ordBins, k.words, inp.ordGh, hist, hb, start, end);
    return;
  }
  buildHistogramGeneric(inp, start, end, hist, hb, f0, f1);
}

/** The layout-independent kernel (the compiled one's reference; used where compiling is unavailable). */
export function buildHistogramGeneric(inp: HistogramInputs, start: number, end: number, hist: Float64Array, hb: number, f0: number, f1: number): void {
  if (inp.packed) {
    buildPackedHistogramInto(inp, start, end, hist, hb, f0, f1);
    return;
  }
  const { ordBins: bins, features: F, offsets2, ordGh: gh, stride } = inp;
  const z0 = hb + offsets2[f0];
  const z1 = f1 < F ? hb + offsets2[f1] : hb + inp.histSize;
  hist.fill(0, z0, z1);
  const f4 = f0 + ((f1 - f0) & ~3);
  for (let i = start; i < end; i++) {
    const g = gh[2 * i];
    const h = gh[2 * i + 1];
    const p = i * stride;
    let f = f0;
    for (; f < f4; f += 4) {
      const a0 = hb + offsets2[f] + (bins[p + f] << 1);
      const a1 = hb + offsets2[f + 1] + (bins[p + f + 1] << 1);
      const a2 = hb + offsets2[f + 2] + (bins[p + f + 2] << 1);
      const a3 = hb + offsets2[f + 3] + (bins[p + f + 3] << 1);
      hist[a0] += g;
      hist[a0 + 1] += h;
      hist[a1] += g;
      hist[a1 + 1] += h;
      hist[a2] += g;
      hist[a2 + 1] += h;
      hist[a3] += g;
      hist[a3 + 1] += h;
    }
    for (; f < f1; f++) {
      const a = hb + offsets2[f] + (bins[p + f] << 1);
      hist[a] += g;
      hist[a + 1] += h;
    }
  }
}

/** `buildHistogramInto` for packed quantized gradients: one exact add per row-feature. */
function buildPackedHistogramInto(inp: HistogramInputs, start: number, end: number, hist: Float64Array, hb: number, f0: number, f1: number): void {
  const { ordBins: bins, features: F, offsets2, ordGh: gh, stride } = inp;
  const z0 = hb + (offsets2[f0] >> 1);
  const z1 = f1 < F ? hb + (offsets2[f1] >> 1) : hb + (inp.histSize >> 1);
  hist.fill(0, z0, z1);
  const f4 = f0 + ((f1 - f0) & ~3);
  for (let i = start; i < end; i++) {
    const q = gh[i];
    const p = i * stride;
    let f = f0;
    for (; f < f4; f += 4) {
      hist[hb + (offsets2[f] >> 1) + bins[p + f]] += q;
      hist[hb + (offsets2[f + 1] >> 1) + bins[p + f + 1]] += q;
      hist[hb + (offsets2[f + 2] >> 1) + bins[p + f + 2]] += q;
      hist[hb + (offsets2[f + 3] >> 1) + bins[p + f + 3]] += q;
    }
    for (; f < f1; f++) hist[hb + (offsets2[f] >> 1) + bins[p + f]] += q;
  }
}

/**
 * Histogram subtraction of features [f0, f1) only: slot `into` -= slot `small` there. Each element is
 * independent, so the thread that built a feature block can subtract it (same bytes as the whole-slot
 * subtraction, and it reads what its own core wrote).
 */
export function subtractHistogramSlice(inp: HistogramInputs, into: number, small: number, f0: number, f1: number): void {
  const { hist, histSize, offsets2, features: F } = inp;
  const shift = inp.packed ? 1 : 0;
  const z0 = offsets2[f0] >> shift;
  const z1 = f1 < F ? offsets2[f1] >> shift : histSize >> shift;
  const a = into * histSize;
  const b = small * histSize;
  for (let i = z0; i < z1; i++) hist[a + i] -= hist[b + i];
}

/** Histogram subtraction: slot `into` -= slot `small` (parent minus the smaller child gives the larger). */
export function subtractHistogram(hist: Float64Array, histSize: number, into: number, small: number): void {
  const a = into * histSize;
  const b = small * histSize;
  for (let i = 0; i < histSize; i++) hist[a + i] -= hist[b + i];
}
