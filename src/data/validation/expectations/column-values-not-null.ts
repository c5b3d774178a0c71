/**
 * `column_values_not_null`: no value of the column is missing. Row-level, so a row with a blank cell is
 * flagged and quarantined (a `column_max_missing` of 0 fails the suite but cannot say which rows broke it).
 */
import { z } from 'zod';
import { isMissing } from '../../../core/frame.js';
import { columnNotFound, rowLevelOutcome } from '../expectation-check.js';
import type { CheckOutcome } from '../expectation-check.js';
import { baseFields, columnField, defineExpectation } from '../expectation-definition.js';

/** Schema of `column_values_not_null`. */
export const columnValuesNotNullSchema = z.strictObject({ type: z.literal('column_values_not_null'), ...baseFields, column: columnField });

/** `column_values_not_null` definition. */
export const columnValuesNotNull = defineExpectation({
  schema: columnValuesNotNullSchema,
  dimension: 'completeness',
  rowLevel: true,
  create(spec) {
    let found = false;
    let missing = 0;
    return {
      observe(frame, out) {
        const col = frame.tryColumn(spec.column);
        const rows = out.rows;
        let k = out.count;
        if (!col) {
          // An absent column is missing in every row of the chunk.
          for (let i = 0; i < frame.rowCount; i++) rows[k++] = i;
          missing += frame.rowCount;
          out.count = k;
          return;
        }
        found = true;
        switch (col.type) {
          case 'numeric':
          case 'timestamp': {
            const v = col.values;
            for (let i = 0; i < v.length; i++) if (v[i] !== v[i]) rows[k++] = i;
            break;
          }
          case 'categorical': {
            const c = col.codes;
            for (let i = 0; i < c.length; i++) if (c[i] < 0) rows[k++] = i;
            break;
          }
          default:
            for (let i = 0; i < frame.rowCount; i++) if (isMissing(col, i)) rows[k++] = i;
        }
        missing += k - out.count;
        out.count = k;
      },
      finish(rows, failing): CheckOutcome {
        if (!found) return { ...columnNotFound(spec.column), missingCells: missing };
        return { ...rowLevelOutcome(failing, rows, 'present (not missing)'), missingCells: missing };
      },
    };
  },
});
