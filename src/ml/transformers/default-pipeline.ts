/**
 * `defaultPipelineSpec`: the preprocessing Kiln uses when the user gives none, per algorithm family.
 * Trees take numbers as they are (NaN is native), categories as native categorical codes (at most 255,
 * rare ones grouped), booleans as 0/1, date parts, and a small TF-IDF for text. Linear models need
 * complete, comparable inputs: median imputation with a missing indicator, standard scaling, one-hot
 * with an infrequent bucket (unknown categories land there), and the same for dates and booleans.
 * Identifier-like columns (every value distinct) are dropped with a warning at fit time.
 */
import type { Schema } from '../../core/schema.js';
import type { PipelineSpec } from './pipeline-spec.js';

/** Preprocessing family of an algorithm. */
export type PipelineFamily = 'tree' | 'linear';

/** Default preprocessing for a family; `exclude` lists columns to ignore (e.g. the target). */
export function defaultPipelineSpec(family: PipelineFamily, schema: Schema, opts: { exclude?: readonly string[] } = {}): PipelineSpec {
  const drop = [...(opts.exclude ?? [])].filter((n) => schema.fields.some((f) => f.name === n));
  if (family === 'tree') {
    return {
      blocks: [
        { columns: { type: 'numeric' }, steps: [] },
        { columns: { type: 'categorical' }, steps: [{ kind: 'ordinal', native: true, maxCategories: 255, unknownValue: 'infrequent' }] },
        { columns: { type: 'boolean' }, steps: [{ kind: 'bool_to_number' }] },
        { columns: { type: 'timestamp' }, steps: [{ kind: 'date_parts' }] },
        { columns: { type: 'text' }, steps: [{ kind: 'tfidf', maxFeatures: 100, minDf: 2 }] },
      ],
      remainder: 'drop',
      drop,
      dropIdColumns: true,
    };
  }
  return {
    blocks: [
      { columns: { type: 'numeric' }, steps: [{ kind: 'impute', strategy: 'median', addIndicator: true }, { kind: 'standard_scale' }] },
      {
        columns: { type: 'categorical' },
        steps: [
          { kind: 'impute', strategy: 'constant', fillValue: '__missing__' },
          { kind: 'one_hot', minFrequency: 5, maxCategories: 100, handleUnknown: 'infrequent' },
        ],
      },
      { columns: { type: 'boolean' }, steps: [{ kind: 'impute', strategy: 'most_frequent' }, { kind: 'bool_to_number' }] },
      { columns: { type: 'timestamp' }, steps: [{ kind: 'date_parts' }, { kind: 'impute', strategy: 'median' }, { kind: 'standard_scale' }] },
      { columns: { type: 'text' }, steps: [{ kind: 'tfidf', maxFeatures: 100, minDf: 2 }] },
    ],
    remainder: 'drop',
    drop,
    dropIdColumns: true,
  };
}
