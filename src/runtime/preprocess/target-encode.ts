/**
 * Target encoding at inference: each category is replaced by the smoothed target mean learned on the
 * whole training set (one output per target column: one for binary/regression, one per class for
 * multiclass). Unknown and missing categories get the prior (the training target mean). Training rows
 * themselves were encoded out-of-fold at fit time (see ml/transformers/fit-target-encoder.ts).
 */
import type { TransformerState } from '../bundle-types.js';
import { categoryIndex, remapCodes } from './category-remap.js';
import type { CompiledStep } from './compiled-step.js';
import { StateReader } from './state-reader.js';
import type { WorkingSet } from './working-set.js';

/** Serialized target encoder. */
export interface TargetEncodeState extends TransformerState {
  readonly kind: 'target_encode';
  readonly column: string;
  readonly categories: readonly string[];
  /** Encodings, output-major: output t, category k at `t * categories.length + k`. */
  readonly encodings: readonly number[];
  /** Prior per output (for unknown and missing categories). */
  readonly prior: readonly number[];
  readonly outputs: readonly string[];
}

/** Compile a `target_encode` state. */
export function compileTargetEncode(state: TransformerState, index: number): CompiledStep {
  const r = new StateReader(state, index);
  const column = r.string('column');
  const categories = r.strings('categories');
  const outputs = r.strings('outputs');
  const prior = r.numbers('prior', outputs.length);
  const encodings = r.numbers('encodings', outputs.length * categories.length);
  const lookup = categoryIndex(categories);
  const k = categories.length;
  return {
    reads: [column],
    writes: outputs,
    apply(work: WorkingSet): void {
      const col = work.categorical(column, r.where);
      const remap = remapCodes(col, lookup, -1);
      const codes = col.codes;
      const n = work.rows;
      outputs.forEach((name, t) => {
        const out = new Float64Array(n);
        const base = t * k;
        const p = prior[t];
        for (let i = 0; i < n; i++) {
          const c = codes[i];
          const j = c < 0 ? -1 : remap[c];
          out[i] = j < 0 ? p : encodings[base + j];
        }
        work.setNumeric(name, out);
      });
    },
  };
}
