/**
 * `column_values_in_set`: every non-missing value is one of `values`. Categorical and text columns
 * compare strings, numeric columns numbers, boolean columns booleans (`true`/`false`).
 */
import { z } from 'zod';
import { BOOL_MISSING } from '../../../core/frame.js';
import { rowLevelOutcome } from '../expectation-check.js';
import { baseFields, columnField, defineExpectation } from '../expectation-definition.js';
import { flagFailingStrings } from '../string-predicate.js';

/** Schema of `column_values_in_set`. */
export const columnValuesInSetSchema = z.strictObject({
  type: z.literal('column_values_in_set'),
  ...baseFields,
  column: columnField,
  values: z.array(z.union([z.string(), z.number(), z.boolean()])).min(1),
});

/** `column_values_in_set` definition. */
export const columnValuesInSet = defineExpectation({
  schema: columnValuesInSetSchema,
  dimension: 'validity',
  rowLevel: true,
  create(spec) {
    const strings = new Set(spec.values.map((v) => String(v)));
    const numbers = new Set<number>();
    for (const v of spec.values) {
      const x = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
      if (!Number.isNaN(x)) numbers.add(x);
    }
    const allowTrue = strings.has('true');
    const allowFalse = strings.has('false');
    let found = false;
    let wrongType: string | null = null;
    return {
      observe(frame, out) {
        const col = frame.tryColumn(spec.column);
        if (!col) return;
        found = true;
        const rows = out.rows;
        let k = out.count;
        switch (col.type) {
          case 'categorical':
          case 'text':
            flagFailingStrings(col, (s) => strings.has(s), out);
            return;
          case 'numeric': {
            const v = col.values;
            for (let i = 0; i < v.length; i++) if (v[i] === v[i] && !numbers.has(v[i])) rows[k++] = i;
            break;
          }
          case 'boolean': {
            const v = col.values;
            for (let i = 0; i < v.length; i++) {
              const b = v[i];
              if (b !== BOOL_MISSING && !(b === 1 ? allowTrue : allowFalse)) rows[k++] = i;
            }
            break;
          }
          case 'timestamp':
            wrongType ??= col.type;
            return;
        }
        out.count = k;
      },
      finish(rows, failing) {
        if (!found) return { success: false, observed: null, message: `column "${spec.column}" not found` };
        if (wrongType) return { success: false, observed: wrongType, message: `column "${spec.column}" is ${wrongType}; column_values_in_set needs categorical, text, numeric or boolean values` };
        return rowLevelOutcome(failing, rows, `in the allowed set (${spec.values.length} values)`);
      },
    };
  },
});
