/**
 * Allocation of a training run's hot buffers: the row index halves, the leaf-ordered bins and gradient
 * pairs (three halves, `leaf-ordered-rows.ts`), the histogram pool and the row-block partials. They go into one shared
 * WebAssembly memory when the SIMD kernels can run (`wasm/kernel-memory.ts`), else onto
 * SharedArrayBuffers (or plain buffers where those are missing) for the TypeScript kernels.
 */
import { sharedBuffer } from '../parallel/shared-buffer.js';
import { orderedStride } from './histogram-kernel.js';
import { orderedBufferRows } from './leaf-ordered-rows.js';
import { rowBlockPartialsLength } from './row-block-histogram.js';
import { KernelMemory } from './wasm/kernel-memory.js';
import type { WasmMemory } from './wasm/wasm-api.js';

/** The buffers `HistogramInputs` needs besides the row index and the source bins. */
export interface OrderedBuffers {
  /** Row index of ordered half 0 (`HistogramInputs.rowIndex`) and of half 1 (`PartitionBuffers.scratchIdx`). */
  readonly rowIndex: Int32Array;
  readonly scratchIdx: Int32Array;
  readonly ordBins: Uint8Array;
  readonly ordGh: Float64Array;
  readonly hist: Float64Array;
  readonly partials?: Float64Array;
  readonly kernelMemory?: WasmMemory;
  /** Raw training scores (rows x outputs) and a copy of the labels, in the kernel memory for the WebAssembly gradient pass; absent on the TypeScript path. */
  readonly scores?: Float64Array;
  readonly labels?: Float64Array;
}

/**
 * Buffers for `rows` rows of `features` features, histograms of `histSize` doubles, `maxLeaves` pool
 * slots and room for up to `outputs` scores per row; `packed` (quantized gradients) keeps the TypeScript kernels, which
 * alone handle them.
 */
export function allocateOrderedBuffers(rows: number, features: number, histSize: number, maxLeaves: number, packed: boolean, outputs = 1): OrderedBuffers {
  const binBytes = orderedBufferRows(rows) * orderedStride(features);
  const ghLength = 2 * orderedBufferRows(rows);
  const histLength = histSize * maxLeaves;
  const partialsLength = rowBlockPartialsLength(rows, histSize);
  const size = KernelMemory.size;
  const km = packed ? undefined : KernelMemory.create(2 * size(4 * rows) + size(binBytes) + size(8 * ghLength) + size(8 * histLength) + size(8 * partialsLength) + size(8 * rows * outputs) + size(8 * rows));
  if (km) {
    const rowIndex = km.i32(rows);
    const scratchIdx = km.i32(rows);
    const ordBins = km.u8(binBytes);
    const ordGh = km.f64(ghLength);
    const hist = km.f64(histLength);
    const partials = km.f64(partialsLength);
    return { rowIndex, scratchIdx, ordBins, ordGh, hist, partials, kernelMemory: km.memory, scores: km.f64(rows * outputs), labels: km.f64(rows) };
  }
  return {
    rowIndex: new Int32Array(sharedBuffer(4 * rows)),
    scratchIdx: new Int32Array(sharedBuffer(4 * rows)),
    ordBins: new Uint8Array(sharedBuffer(binBytes)),
    ordGh: new Float64Array(sharedBuffer(8 * ghLength)),
    hist: new Float64Array(sharedBuffer(8 * histLength)),
  };
}
