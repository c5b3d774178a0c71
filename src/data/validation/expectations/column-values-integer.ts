/**
 * `column_values_integer`: every non-missing value of a numeric column is a whole number. Catches the
 * fractional value in a count column (2.5 children) that a range check lets through.
 */
import { z } from 'zod';
import { columnNotFound, rowLevelOutcome } from '../expectation-check.js';
import type { CheckOutcome } from '../expectation-check.js';
import { baseFields, columnField, defineExpectation } from '../expectation-definition.js';

/** Schema of `column_values_integer`. */
export const columnValuesIntegerSchema = z.strictObject({ type: z.literal('column_values_integer'), ...baseFields, column: columnField });

/** `column_values_integer` definition. */
export const columnValuesInteger = defineExpectation({
  schema: columnValuesIntegerSchema,
  dimension: 'validity',
  rowLevel: true,
  create(spec) {
    let found = false;
    let wrongType: string | null = null;
    return {
      observe(frame, out) {
        const col = frame.tryColumn(spec.column);
        if (!col) return;
        found = true;
        if (col.type !== 'numeric') {
          // Integer-typed columns (if a reader produces them) hold whole numbers by construction.
          if (col.type === 'categorical' || col.type === 'text' || col.type === 'boolean' || col.type === 'timestamp') wrongType ??= col.type;
          return;
        }
        const v = col.values;
        const rows = out.rows;
        let k = out.count;
        for (let i = 0; i < v.length; i++) {
          const x = v[i];
          if (x === x && !Number.isInteger(x)) rows[k++] = i;
        }
        out.count = k;
      },
      finish(rows, failing): CheckOutcome {
        if (!found) return columnNotFound(spec.column);
        if (wrongType) return { success: false, observed: wrongType, message: `column "${spec.column}" is ${wrongType}; column_values_integer needs a numeric column` };
        return rowLevelOutcome(failing, rows, 'whole numbers');
      },
    };
  },
});
