/**
 * The attribution file of `kiln explain --out` (CONTRACT): one row per explained row, a column
 * `shap_<column>` for every input column of the model's signature and `shap_base` (the expected raw
 * output), so each row's sum is the raw score. Multi-output models (multiclass margins) get one block
 * per class: `shap_<column>@<label>` and `shap_base@<label>`.
 */
import { InputError } from '../../core/errors.js';
import { Frame } from '../../core/frame.js';
import type { NumericColumn } from '../../core/frame.js';
import type { RowAttributions } from './explain-rows.js';

/**
 * The attribution column names, output by output: per input column `shap_<column>` then `shap_base`;
 * with several outputs each name ends in `@<label>`. Capture segments use the same names.
 */
export function attributionColumnNames(columns: readonly string[], outputs: readonly string[]): string[] {
  const names: string[] = [];
  for (const output of outputs) {
    const suffix = outputs.length === 1 ? '' : `@${output}`;
    for (const c of columns) names.push(`shap_${c}${suffix}`);
    names.push(`shap_base${suffix}`);
  }
  return names;
}

/** The attributions as a Frame of numeric columns. */
export function attributionFrame(a: RowAttributions): Frame {
  const K = a.outputs.length;
  const C = a.columns.length;
  if (a.columns.includes('base')) {
    throw new InputError('an input column is named "base", so "shap_base" would name both its attribution and the expected value', { column: 'base' }, 'Rename the column before training, or read attributions with --json.');
  }
  const cols: NumericColumn[] = [];
  for (let k = 0; k < K; k++) {
    const suffix = K === 1 ? '' : `@${a.outputs[k]}`;
    for (let c = 0; c < C; c++) {
      const values = new Float64Array(a.rows);
      for (let i = 0; i < a.rows; i++) values[i] = a.values[(i * K + k) * C + c];
      cols.push({ name: `shap_${a.columns[c]}${suffix}`, type: 'numeric', values });
    }
    cols.push({ name: `shap_base${suffix}`, type: 'numeric', values: new Float64Array(a.rows).fill(a.base[k]) });
  }
  return new Frame(cols, a.rows);
}
