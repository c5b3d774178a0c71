/** `column_max_missing`: the fraction of missing values in a column is at most `maxMissing`. */
import { z } from 'zod';
import { isMissing } from '../../../core/frame.js';
import type { Column } from '../../../core/frame.js';
import { columnNotFound } from '../expectation-check.js';
import { baseFields, columnField, defineExpectation } from '../expectation-definition.js';

/** Schema of `column_max_missing`. */
export const columnMaxMissingSchema = z.strictObject({
  type: z.literal('column_max_missing'),
  ...baseFields,
  column: columnField,
  maxMissing: z.number().min(0).max(1),
});

/** Count missing cells of a column (typed loops per type; no per-row dispatch). */
export function countMissing(col: Column): number {
  let m = 0;
  switch (col.type) {
    case 'numeric':
    case 'timestamp': {
      const v = col.values;
      for (let i = 0; i < v.length; i++) if (v[i] !== v[i]) m++;
      return m;
    }
    case 'categorical': {
      const c = col.codes;
      for (let i = 0; i < c.length; i++) if (c[i] < 0) m++;
      return m;
    }
    default: {
      const n = col.values.length;
      for (let i = 0; i < n; i++) if (isMissing(col, i)) m++;
      return m;
    }
  }
}

/** `column_max_missing` definition. */
export const columnMaxMissing = defineExpectation({
  schema: columnMaxMissingSchema,
  dimension: 'completeness',
  rowLevel: false,
  create(spec) {
    let missing = 0;
    let checked = 0;
    let found = false;
    return {
      observe(frame) {
        const col = frame.tryColumn(spec.column);
        if (!col) {
          // An absent column is entirely missing in that chunk.
          missing += frame.rowCount;
          checked += frame.rowCount;
          return;
        }
        found = true;
        missing += countMissing(col);
        checked += frame.rowCount;
      },
      finish() {
        if (!found) return { ...columnNotFound(spec.column), missingCells: missing };
        const frac = checked > 0 ? missing / checked : 0;
        const ok = frac <= spec.maxMissing;
        return {
          success: ok,
          observed: { missing, missingFraction: frac },
          message: `${(frac * 100).toFixed(2)}% missing (${missing} of ${checked}), allowed at most ${(spec.maxMissing * 100).toFixed(2)}%`,
          missingCells: missing,
        };
      },
    };
  },
});
