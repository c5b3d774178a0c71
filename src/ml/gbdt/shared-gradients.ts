/**
 * Gradients computed on the training pool's threads. For losses whose row gradients depend on that row
 * alone (`Objective.gradientRange`), each worker rebuilds the objective once from the same labels,
 * weights and parameters (shared memory, no copies per iteration) and fills the rows of the blocks it
 * claims; the calling thread does the same with its own objective. Every row is computed by the same
 * code from the same inputs whichever thread runs it, so the gradients (and the model) are the same
 * bytes as on one thread.
 */
import { MAX_JOB_BLOCKS } from '../parallel/shared-job-pool.js';
import type { GbdtObjective, GbdtParams } from './gbdt-params.js';
import type { Objective } from './objectives/objective.js';
import { OBJECTIVES } from './objectives/objective-registry.js';
import type { WasmMemory } from './wasm/wasm-api.js';

/** What a worker needs to compute gradients: all arrays on shared memory. */
export interface SharedGradientData {
  readonly objective: GbdtObjective;
  readonly params: GbdtParams;
  readonly y: Float64Array;
  readonly weight: Float64Array | undefined;
  /** Raw scores, rows x outputs (written by the calling thread between iterations). */
  readonly scores: Float64Array;
  /** Gradient pairs written by the pass (2 per row). */
  readonly out: Float64Array;
  /** The WebAssembly memory that labels, scores and output live in, when they do (`ordered-buffers.ts`). */
  readonly kernelMemory?: WasmMemory;
}

/** Below this many rows gradients stay on the calling thread (a wake-up costs more than the pass). */
export const PARALLEL_GRADIENT_MIN_ROWS = 32_768;
/** Rows per gradient block (more for huge data: one job holds at most MAX_JOB_BLOCKS blocks); blocks are claimed dynamically. */
function blockRows(rows: number): number {
  return Math.max(16_384, Math.ceil(rows / MAX_JOB_BLOCKS));
}

/** Blocks of a gradient pass over `rows` rows (at most MAX_JOB_BLOCKS). */
export function gradientBlocks(rows: number): number {
  return Math.ceil(rows / blockRows(rows));
}

/** Row range [from, to) of gradient block `b` of `rows` rows, written into `range`. */
export function gradientBlockRange(rows: number, b: number, range: Int32Array): void {
  const size = blockRows(rows);
  range[0] = b * size;
  range[1] = Math.min(rows, range[0] + size);
}

/** Rebuild the objective on a worker thread (once per training run). */
export function workerObjective(d: SharedGradientData): Objective {
  return OBJECTIVES[d.objective]({ y: d.y, weight: d.weight, queryStart: undefined, numClasses: 0, kernelMemory: d.kernelMemory }, d.params);
}
