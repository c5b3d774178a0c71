/**
 * What every fitter sees: the training batch being transformed (a WorkingSet shared with the runtime
 * kernels), the optional target, the seeded RNG and a list to collect user-facing warnings in.
 */
import type { Rng } from '../../core/rng.js';
import type { Task, TransformerState } from '../../runtime/bundle-types.js';
import type { WorkingSet } from '../../runtime/preprocess/working-set.js';

/** Shared inputs of a pipeline fit. */
export interface FitContext {
  readonly work: WorkingSet;
  readonly target: Float64Array | undefined;
  readonly task: Task | undefined;
  readonly rng: Rng;
  readonly warnings: string[];
}

/** A fitter's result: the state to serialize, and optionally fit-time outputs that differ from it. */
export interface FittedStep {
  readonly state: TransformerState;
  /**
   * Training-time values of the outputs when they must not equal the runtime transform (out-of-fold
   * target encoding); absent means "apply the state".
   */
  readonly trainOutputs?: ReadonlyMap<string, Float64Array>;
}

/** Fits one step on one working column. */
export type StepFitter<S> = (ctx: FitContext, column: string, step: S) => FittedStep;
