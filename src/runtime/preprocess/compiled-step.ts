/**
 * The contract between a serialized transformer state and its runtime kernel: a compiler checks the
 * state once and returns a `CompiledStep` that transforms a `WorkingSet` batch after batch.
 */
import type { TransformerState } from '../bundle-types.js';
import type { WorkingSet } from './working-set.js';

/** A ready-to-run preprocessing step. */
export interface CompiledStep {
  /** Working columns this step reads. */
  readonly reads: readonly string[];
  /** Working columns this step writes (adds or replaces). */
  readonly writes: readonly string[];
  /** Apply the step to one batch in place. */
  apply(work: WorkingSet): void;
}

/** Turns one state (at position `index` in the pipeline) into a CompiledStep; InputError if malformed. */
export type StepCompiler = (state: TransformerState, index: number) => CompiledStep;
