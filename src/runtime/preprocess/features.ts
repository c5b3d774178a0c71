/**
 * The final step of every pipeline: which working columns form the FeatureMatrix, in which order, and
 * which of them are native categorical codes (`categoryCounts` > 0) for tree models.
 */
import { InputError } from '../../core/errors.js';
import type { TransformerState } from '../bundle-types.js';
import type { FeatureMatrix } from '../feature-matrix.js';
import { StateReader } from './state-reader.js';
import type { WorkingSet } from './working-set.js';

/** Serialized feature selection (always the last preprocessing state). */
export interface FeaturesState extends TransformerState {
  readonly kind: 'features';
  readonly names: readonly string[];
  /** Per feature: number of categories for native categorical codes, 0 for ordinary numbers. */
  readonly categoryCounts: readonly number[];
}

/** A compiled features step: copies working columns into a FeatureMatrix. */
export interface FeatureAssembler {
  readonly names: readonly string[];
  readonly categoryCounts: Int32Array;
  assemble(work: WorkingSet): FeatureMatrix;
}

/** Compile a `features` state. */
export function compileFeatures(state: TransformerState, index: number): FeatureAssembler {
  const r = new StateReader(state, index);
  const names = r.strings('names');
  const counts = r.numbers('categoryCounts', names.length);
  if (new Set(names).size !== names.length) throw r.fail('names', 'unique feature names');
  if (!counts.every((c) => Number.isInteger(c) && c >= 0)) throw r.fail('categoryCounts', 'non-negative integers');
  const categoryCounts = Int32Array.from(counts);
  return {
    names,
    categoryCounts,
    assemble(work: WorkingSet): FeatureMatrix {
      const rows = work.rows;
      const data = new Float64Array(rows * names.length);
      for (let j = 0; j < names.length; j++) {
        const col = work.get(names[j], r.where);
        if (col.type !== 'numeric' && col.type !== 'timestamp' && col.type !== 'boolean') {
          throw new InputError(`malformed bundle: feature "${names[j]}" is ${col.type}, not numeric`, { column: names[j] }, 'Re-export the model bundle.');
        }
        data.set(work.numeric(names[j], r.where), j * rows);
      }
      // Fresh Int32Array per matrix: callers own their matrix and may not mutate the cached counts.
      return { rows, cols: names.length, data, names, categoryCounts: categoryCounts.slice() };
    },
  };
}
