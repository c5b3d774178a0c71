/**
 * `column_values_unique`: no non-missing value occurs twice. Streaming with a hash set of the values
 * seen so far (memory grows with the distinct values: ~16-32 bytes each for numbers, ~50-100 plus the
 * string for strings); the second and
 * later occurrences of a value are the failing rows.
 */
import { z } from 'zod';
import { BOOL_MISSING } from '../../../core/frame.js';
import { rowLevelOutcome } from '../expectation-check.js';
import { Float64HashSet } from '../float64-hash-set.js';
import { baseFields, columnField, defineExpectation } from '../expectation-definition.js';

/** Schema of `column_values_unique`. */
export const columnValuesUniqueSchema = z.strictObject({ type: z.literal('column_values_unique'), ...baseFields, column: columnField });

/** `column_values_unique` definition. */
export const columnValuesUnique = defineExpectation({
  schema: columnValuesUniqueSchema,
  dimension: 'uniqueness',
  rowLevel: true,
  create(spec) {
    const numbers = new Float64HashSet();
    const strings = new Set<string>();
    let found = false;
    return {
      observe(frame, out) {
        const col = frame.tryColumn(spec.column);
        if (!col) return;
        found = true;
        const rows = out.rows;
        let k = out.count;
        switch (col.type) {
          case 'numeric':
          case 'timestamp': {
            const v = col.values;
            for (let i = 0; i < v.length; i++) {
              const x = v[i];
              if (x !== x) continue;
              if (!numbers.add(x)) rows[k++] = i;
            }
            break;
          }
          case 'boolean': {
            const v = col.values;
            for (let i = 0; i < v.length; i++) {
              const x = v[i];
              if (x === BOOL_MISSING) continue;
              if (!numbers.add(x)) rows[k++] = i;
            }
            break;
          }
          case 'categorical': {
            const codes = col.codes;
            const cats = col.categories;
            for (let i = 0; i < codes.length; i++) {
              const c = codes[i];
              if (c < 0) continue;
              const s = cats[c];
              if (strings.has(s)) rows[k++] = i;
              else strings.add(s);
            }
            break;
          }
          case 'text': {
            const v = col.values;
            for (let i = 0; i < v.length; i++) {
              const s = v[i];
              if (s === null) continue;
              if (strings.has(s)) rows[k++] = i;
              else strings.add(s);
            }
            break;
          }
        }
        out.count = k;
      },
      finish(rows, failing) {
        if (!found) return { success: false, observed: null, message: `column "${spec.column}" not found` };
        const base = rowLevelOutcome(failing, rows, 'unique');
        return { ...base, observed: { distinct: numbers.size + strings.size, duplicateRows: failing }, message: failing === 0 ? 'all values unique' : `${failing} rows repeat an earlier value` };
      },
    };
  },
});
