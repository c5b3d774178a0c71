/**
 * `zero_as_missing` at inference: values within ±`tolerance` of zero become NaN, so the tree's missing
 * direction takes them. LightGBM models trained with `zero_as_missing=true` route zeros (and NaN) by
 * the node's default direction; importing such a model puts this step before its features.
 */
import type { TransformerState } from '../bundle-types.js';
import type { CompiledStep } from './compiled-step.js';
import { StateReader } from './state-reader.js';
import type { WorkingSet } from './working-set.js';

/** Serialized zero-as-missing step. */
export interface ZeroAsMissingState extends TransformerState {
  readonly kind: 'zero_as_missing';
  readonly column: string;
  /** |x| <= tolerance counts as zero (LightGBM's kZeroThreshold is float32 1e-35). */
  readonly tolerance: number;
}

/** Compile a `zero_as_missing` state. */
export function compileZeroAsMissing(state: TransformerState, index: number): CompiledStep {
  const r = new StateReader(state, index);
  const column = r.string('column');
  const tolerance = r.number('tolerance');
  if (tolerance < 0) throw r.fail('tolerance', 'a non-negative number');
  return {
    reads: [column],
    writes: [column],
    apply(work: WorkingSet): void {
      const src = work.numeric(column, r.where);
      const out = new Float64Array(src.length);
      for (let i = 0; i < src.length; i++) {
        const v = src[i];
        out[i] = v >= -tolerance && v <= tolerance ? NaN : v;
      }
      work.setNumeric(column, out);
    },
  };
}
