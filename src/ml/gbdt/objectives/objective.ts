/**
 * The `Objective` port: what a training loss supplies to the booster (starting scores, per-row
 * gradients and hessians, optional leaf refits) plus the registry from objective name to factory.
 */
import type { Link } from '../../../runtime/predictor.js';
import type { GbdtParams } from '../gbdt-params.js';
import type { WasmMemory } from '../wasm/wasm-api.js';

/** Training data an objective sees (y validated by the objective). */
export interface ObjectiveData {
  readonly y: Float64Array;
  /** Per-row weights (already including scalePosWeight for binary); undefined = all 1. */
  readonly weight: Float64Array | undefined;
  /** Query boundaries for ranking: query q owns rows [queryStart[q], queryStart[q + 1]). */
  readonly queryStart: Int32Array | undefined;
  /** Number of classes (multiclass). */
  readonly numClasses: number;
  /**
   * The WebAssembly memory the labels (and the trainer's scores and gradient pairs) live in, where the
   * trainer put them there: objectives with a WebAssembly gradient pass use it.
   */
  readonly kernelMemory?: WasmMemory;
}

/** A training loss. Scores are row-major `rows x outputs`. */
export interface Objective {
  readonly name: string;
  readonly outputs: number;
  readonly link: Link;
  /** Metric used for early stopping when `evalMetric` is not set. */
  readonly defaultMetric: string;
  /** Metrics reported each iteration. */
  readonly metrics: readonly string[];
  /** Starting raw score per output (boost from the average). */
  baseScores(): Float64Array;
  /** Called once per iteration before `gradients`, with the current scores. */
  prepare(scores: Float64Array): void;
  /** Interleaved (grad, hess) of output k for every row into `gh` (length 2 x rows). */
  gradients(scores: Float64Array, k: number, gh: Float64Array): void;
  /**
   * `gradients` of rows [from, to) only, for losses whose row gradients depend on that row alone
   * (not multiclass, whose `prepare` state lives on one thread, nor ranking): lets worker threads
   * share the pass. Present only where it gives exactly what `gradients` gives.
   */
  gradientRange?(scores: Float64Array, k: number, gh: Float64Array, from: number, to: number): void;
  /**
   * Optional leaf refit (e.g. L1: the median residual): unshrunk value of a leaf holding
   * rows[start..start+count) for output k.
   */
  renewLeaf?(rows: Int32Array, start: number, count: number, scores: Float64Array, k: number): number;
}

/** Creates an objective for validated training data. */
export type ObjectiveFactory = (data: ObjectiveData, params: GbdtParams) => Objective;
