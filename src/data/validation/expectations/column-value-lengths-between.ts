/** `column_value_lengths_between`: every non-missing string value has min <= length <= max (UTF-16 units). */
import { z } from 'zod';
import { rowLevelOutcome } from '../expectation-check.js';
import { baseFields, boundsRefinement, columnField, defineExpectation } from '../expectation-definition.js';
import { flagFailingStrings } from '../string-predicate.js';

/** Schema of `column_value_lengths_between`. */
export const columnValueLengthsBetweenSchema = z
  .strictObject({
    type: z.literal('column_value_lengths_between'),
    ...baseFields,
    column: columnField,
    min: z.number().int().min(0).optional(),
    max: z.number().int().min(0).optional(),
  })
  .superRefine(boundsRefinement);

/** `column_value_lengths_between` definition. */
export const columnValueLengthsBetween = defineExpectation({
  schema: columnValueLengthsBetweenSchema,
  dimension: 'validity',
  rowLevel: true,
  create(spec) {
    const lo = spec.min ?? 0;
    const hi = spec.max ?? Infinity;
    let found = false;
    let wrongType: string | null = null;
    let minLen = Infinity;
    let maxLen = -Infinity;
    const ok = (s: string): boolean => {
      const l = s.length;
      if (l < minLen) minLen = l;
      if (l > maxLen) maxLen = l;
      return l >= lo && l <= hi;
    };
    return {
      observe(frame, out) {
        const col = frame.tryColumn(spec.column);
        if (!col) return;
        found = true;
        if (col.type === 'categorical' || col.type === 'text') flagFailingStrings(col, ok, out);
        else wrongType ??= col.type;
      },
      finish(rows, failing) {
        if (!found) return { success: false, observed: null, message: `column "${spec.column}" not found` };
        if (wrongType) return { success: false, observed: wrongType, message: `column "${spec.column}" is ${wrongType}; lengths apply to categorical or text columns` };
        const base = rowLevelOutcome(failing, rows, `of length in [${lo}, ${hi}]`);
        return { ...base, observed: { minLength: Number.isFinite(minLen) ? minLen : null, maxLength: Number.isFinite(maxLen) ? maxLen : null, failingRows: failing } };
      },
    };
  },
});
