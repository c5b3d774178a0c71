/**
 * Boolean to number at inference: true -> 1, false -> 0, missing -> NaN. Numeric 0/1 columns pass
 * unchanged, so a bundle keeps working when a client sends booleans as numbers.
 */
import type { TransformerState } from '../bundle-types.js';
import type { CompiledStep } from './compiled-step.js';
import { StateReader } from './state-reader.js';
import type { WorkingSet } from './working-set.js';

/** Serialized boolean-to-number step. */
export interface BoolToNumberState extends TransformerState {
  readonly kind: 'bool_to_number';
  readonly column: string;
}

/** Compile a `bool_to_number` state. */
export function compileBoolToNumber(state: TransformerState, index: number): CompiledStep {
  const r = new StateReader(state, index);
  const column = r.string('column');
  return {
    reads: [column],
    writes: [column],
    apply(work: WorkingSet): void {
      work.setNumeric(column, work.numeric(column, r.where));
    },
  };
}
