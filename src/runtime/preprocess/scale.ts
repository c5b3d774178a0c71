/**
 * Scalers at inference. Standard and robust scaling are `(x - center) / scale`; min-max scaling is
 * `x * mul + add`, the exact arithmetic sklearn's MinMaxScaler uses, so outputs match it bit for bit.
 * Missing values stay NaN.
 */
import type { TransformerState } from '../bundle-types.js';
import type { CompiledStep } from './compiled-step.js';
import { StateReader } from './state-reader.js';
import type { WorkingSet } from './working-set.js';

/** Serialized standard or robust scaler. */
export interface CenterScaleState extends TransformerState {
  readonly kind: 'standard_scale' | 'robust_scale';
  readonly column: string;
  readonly center: number;
  readonly scale: number;
}

/** Serialized min-max scaler. */
export interface MinMaxScaleState extends TransformerState {
  readonly kind: 'min_max_scale';
  readonly column: string;
  readonly mul: number;
  readonly add: number;
}

/** Compile a `standard_scale` or `robust_scale` state. */
export function compileCenterScale(state: TransformerState, index: number): CompiledStep {
  const r = new StateReader(state, index);
  const column = r.string('column');
  const center = r.number('center');
  const scale = r.number('scale');
  if (scale === 0) throw r.fail('scale', 'non-zero');
  return {
    reads: [column],
    writes: [column],
    apply(work: WorkingSet): void {
      const src = work.numeric(column, r.where);
      const out = new Float64Array(src.length);
      for (let i = 0; i < src.length; i++) out[i] = (src[i] - center) / scale;
      work.setNumeric(column, out);
    },
  };
}

/** Compile a `min_max_scale` state. */
export function compileMinMaxScale(state: TransformerState, index: number): CompiledStep {
  const r = new StateReader(state, index);
  const column = r.string('column');
  const mul = r.number('mul');
  const add = r.number('add');
  return {
    reads: [column],
    writes: [column],
    apply(work: WorkingSet): void {
      const src = work.numeric(column, r.where);
      const out = new Float64Array(src.length);
      for (let i = 0; i < src.length; i++) out[i] = src[i] * mul + add;
      work.setNumeric(column, out);
    },
  };
}
