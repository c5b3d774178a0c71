/**
 * One-hot encoding at inference (sklearn OneHotEncoder, drop=None). Each kept category gets a 0/1
 * column; categories grouped as infrequent at fit time share one `infrequent` column (sklearn's
 * `min_frequency`). Unknown categories follow `handleUnknown`: `infrequent` (into the infrequent column
 * when there is one, otherwise all zeros, like sklearn's `infrequent_if_exist`), `ignore` (all zeros) or
 * `error`. Missing values encode as all zeros; impute first to give them a column of their own.
 */
import { InputError } from '../../core/errors.js';
import type { TransformerState } from '../bundle-types.js';
import { categoryIndex, remapCodes } from './category-remap.js';
import type { CompiledStep } from './compiled-step.js';
import { StateReader } from './state-reader.js';
import type { WorkingSet } from './working-set.js';

/** Serialized one-hot encoder. */
export interface OneHotState extends TransformerState {
  readonly kind: 'one_hot';
  readonly column: string;
  /** Categories with their own column, in output order. */
  readonly categories: readonly string[];
  /** Categories seen at fit time but grouped into the infrequent column (last output). */
  readonly infrequent: readonly string[];
  readonly handleUnknown: 'infrequent' | 'ignore' | 'error';
  /** Output column names: one per category, then the infrequent column if any. */
  readonly outputs: readonly string[];
}

const UNKNOWN = -2;
const ZEROS = -1;

/** Compile a `one_hot` state. */
export function compileOneHot(state: TransformerState, index: number): CompiledStep {
  const r = new StateReader(state, index);
  const column = r.string('column');
  const categories = r.strings('categories');
  const infrequent = r.strings('infrequent');
  const handleUnknown = r.oneOf('handleUnknown', ['infrequent', 'ignore', 'error'] as const);
  const outputs = r.strings('outputs');
  const hasInfrequent = infrequent.length > 0;
  if (outputs.length !== categories.length + (hasInfrequent ? 1 : 0)) throw r.fail('outputs', 'one name per category plus one for the infrequent group');
  const lookup = categoryIndex(categories);
  for (const c of infrequent) lookup.set(c, categories.length);
  const unknownTarget = handleUnknown === 'error' ? UNKNOWN : handleUnknown === 'infrequent' && hasInfrequent ? categories.length : ZEROS;
  return {
    reads: [column],
    writes: outputs,
    apply(work: WorkingSet): void {
      const col = work.categorical(column, r.where);
      const remap = remapCodes(col, lookup, unknownTarget);
      const n = work.rows;
      const outs = outputs.map(() => new Float64Array(n));
      const codes = col.codes;
      for (let i = 0; i < n; i++) {
        const c = codes[i];
        if (c < 0) continue;
        const j = remap[c];
        if (j >= 0) outs[j][i] = 1;
        else if (j === UNKNOWN) {
          throw new InputError(`column "${column}" row ${i + 1}: unknown category ${JSON.stringify(col.categories[c])}`, { column, row: i + 1 }, `Known categories: ${categories.concat(infrequent).slice(0, 20).join(', ')}`);
        }
      }
      outputs.forEach((name, j) => work.setNumeric(name, outs[j]));
    },
  };
}
