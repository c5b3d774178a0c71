/**
 * Imputation at inference: replaces missing values with the fill value learned at fit time (mean,
 * median, most frequent or constant) and optionally adds a 0/1 missing-indicator column
 * (`<column>__missing`, sklearn's `add_indicator`). Numeric, timestamp and boolean columns take a
 * numeric fill (booleans become 0/1 numbers); categorical and text columns take a string fill.
 */
import { InputError } from '../../core/errors.js';
import { isMissing } from '../../core/frame.js';
import type { CategoricalColumn } from '../../core/frame.js';
import type { TransformerState } from '../bundle-types.js';
import type { CompiledStep } from './compiled-step.js';
import { StateReader } from './state-reader.js';
import type { WorkingSet } from './working-set.js';

/** Serialized imputer. */
export interface ImputeState extends TransformerState {
  readonly kind: 'impute';
  readonly column: string;
  /** Number for numeric/timestamp/boolean columns, string for categorical/text. */
  readonly fill: number | string;
  /** Name of the missing-indicator output, or null for none. */
  readonly indicator: string | null;
}

/** Compile an `impute` state. */
export function compileImpute(state: TransformerState, index: number): CompiledStep {
  const r = new StateReader(state, index);
  const column = r.string('column');
  const rawFill = state.fill;
  if (typeof rawFill !== 'string' && (typeof rawFill !== 'number' || !Number.isFinite(rawFill))) throw r.fail('fill', 'a finite number or a string');
  const indicator = r.stringOrNull('indicator');
  const where = r.where;
  return {
    reads: [column],
    writes: indicator ? [column, indicator] : [column],
    apply(work: WorkingSet): void {
      const col = work.get(column, where);
      if (indicator) {
        const ind = new Float64Array(work.rows);
        for (let i = 0; i < ind.length; i++) ind[i] = isMissing(col, i) ? 1 : 0;
        work.setNumeric(indicator, ind);
      }
      if (col.type === 'categorical' || col.type === 'text') {
        work.set(fillStrings(work, column, String(rawFill), where));
        return;
      }
      if (typeof rawFill !== 'number') {
        throw new InputError(`${where}: column "${column}" is ${col.type} but the fitted fill value is a string`, { column });
      }
      const src = work.numeric(column, where);
      const out = new Float64Array(src.length);
      for (let i = 0; i < src.length; i++) {
        const v = src[i];
        out[i] = v !== v ? rawFill : v;
      }
      if (col.type === 'timestamp') work.set({ name: column, type: 'timestamp', values: out });
      else work.setNumeric(column, out);
    },
  };
}

function fillStrings(work: WorkingSet, column: string, fill: string, where: string): CategoricalColumn {
  const col = work.categorical(column, where);
  let fillCode = col.categories.indexOf(fill);
  let categories = col.categories;
  if (fillCode < 0) {
    fillCode = categories.length;
    categories = [...categories, fill];
  }
  const codes = new Int32Array(col.codes.length);
  for (let i = 0; i < codes.length; i++) {
    const c = col.codes[i];
    codes[i] = c < 0 ? fillCode : c;
  }
  return { name: column, type: 'categorical', codes, categories };
}
