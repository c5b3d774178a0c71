/**
 * Ordinal encoding at inference: category -> integer code (sklearn OrdinalEncoder). Also the native
 * categorical input of tree models: codes 0..k-1 with categories grouped as infrequent sharing the last
 * code. Missing values become NaN; unknown categories become `unknownValue` (null = NaN).
 */
import type { TransformerState } from '../bundle-types.js';
import { categoryIndex, remapCodes } from './category-remap.js';
import type { CompiledStep } from './compiled-step.js';
import { StateReader } from './state-reader.js';
import type { WorkingSet } from './working-set.js';

/** Serialized ordinal encoder. */
export interface OrdinalState extends TransformerState {
  readonly kind: 'ordinal';
  readonly column: string;
  /** Categories in code order. */
  readonly categories: readonly string[];
  /** Categories grouped into one extra code, `categories.length`. */
  readonly infrequent: readonly string[];
  /** Code for categories unseen at fit time; null = NaN (missing). */
  readonly unknownValue: number | null;
  readonly output: string;
}

/** Number of distinct codes an ordinal state produces (for FeatureMatrix.categoryCounts). */
export function ordinalCodeCount(state: OrdinalState): number {
  return state.categories.length + (state.infrequent.length > 0 ? 1 : 0);
}

/** Compile an `ordinal` state. */
export function compileOrdinal(state: TransformerState, index: number): CompiledStep {
  const r = new StateReader(state, index);
  const column = r.string('column');
  const categories = r.strings('categories');
  const infrequent = r.strings('infrequent');
  const unknownValue = r.numberOrNull('unknownValue');
  const output = r.string('output');
  const lookup = categoryIndex(categories);
  for (const c of infrequent) lookup.set(c, categories.length);
  return {
    reads: [column],
    writes: [output],
    apply(work: WorkingSet): void {
      const col = work.categorical(column, r.where);
      // Codes fit in int32; -1 marks unknown so the per-row loop reads one typed array.
      const remap = remapCodes(col, lookup, -1);
      const codes = col.codes;
      const out = new Float64Array(work.rows);
      for (let i = 0; i < out.length; i++) {
        const c = codes[i];
        if (c < 0) out[i] = NaN;
        else {
          const k = remap[c];
          out[i] = k >= 0 ? k : unknownValue;
        }
      }
      work.setNumeric(output, out);
    },
  };
}
