/**
 * `log1p` at inference: `ln(1 + x)` for skewed non-negative features. Values <= -1 have no real
 * logarithm: policy `nan` turns them into missing values (trees and imputers handle NaN), policy `error`
 * rejects the batch with an InputError naming the column and row.
 */
import { InputError } from '../../core/errors.js';
import type { TransformerState } from '../bundle-types.js';
import type { CompiledStep } from './compiled-step.js';
import { StateReader } from './state-reader.js';
import type { WorkingSet } from './working-set.js';

/** Serialized log1p step. */
export interface Log1pState extends TransformerState {
  readonly kind: 'log1p';
  readonly column: string;
  readonly invalid: 'nan' | 'error';
}

/** Compile a `log1p` state. */
export function compileLog1p(state: TransformerState, index: number): CompiledStep {
  const r = new StateReader(state, index);
  const column = r.string('column');
  const invalid = r.oneOf('invalid', ['nan', 'error'] as const);
  return {
    reads: [column],
    writes: [column],
    apply(work: WorkingSet): void {
      const src = work.numeric(column, r.where);
      const out = new Float64Array(src.length);
      for (let i = 0; i < src.length; i++) {
        const v = src[i];
        if (v <= -1) {
          if (invalid === 'error') {
            throw new InputError(`column "${column}" row ${i + 1}: log1p needs values > -1, got ${v}`, { column, row: i + 1 }, 'Clean the value or fit the pipeline with log1p invalid: "nan".');
          }
          out[i] = NaN;
        } else out[i] = Math.log1p(v);
      }
      work.setNumeric(column, out);
    },
  };
}
