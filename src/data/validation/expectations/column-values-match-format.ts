/** `column_values_match_format`: every non-missing string value is a valid email, url, iso_date or uuid. */
import { z } from 'zod';
import { rowLevelOutcome } from '../expectation-check.js';
import { baseFields, columnField, defineExpectation } from '../expectation-definition.js';
import { NAMED_FORMATS, formatPredicate } from '../named-formats.js';
import { flagFailingStrings } from '../string-predicate.js';

/** Schema of `column_values_match_format`. */
export const columnValuesMatchFormatSchema = z.strictObject({
  type: z.literal('column_values_match_format'),
  ...baseFields,
  column: columnField,
  format: z.enum(NAMED_FORMATS),
});

/** `column_values_match_format` definition. */
export const columnValuesMatchFormat = defineExpectation({
  schema: columnValuesMatchFormatSchema,
  dimension: 'validity',
  rowLevel: true,
  create(spec, ctx) {
    const test = formatPredicate(spec.format);
    const cap = ctx.maxStringLength;
    const ok = (s: string): boolean => s.length <= cap && test(s);
    let found = false;
    let timestampColumn = false;
    let wrongType: string | null = null;
    return {
      observe(frame, out) {
        const col = frame.tryColumn(spec.column);
        if (!col) return;
        found = true;
        if (col.type === 'categorical' || col.type === 'text') flagFailingStrings(col, ok, out);
        // A parsed timestamp column already holds valid dates.
        else if (col.type === 'timestamp' && spec.format === 'iso_date') timestampColumn = true;
        else wrongType ??= col.type;
      },
      finish(rows, failing) {
        if (!found) return { success: false, observed: null, message: `column "${spec.column}" not found` };
        if (wrongType) return { success: false, observed: wrongType, message: `column "${spec.column}" is ${wrongType}; formats apply to categorical or text columns` };
        const out = rowLevelOutcome(failing, rows, `a valid ${spec.format}`);
        return timestampColumn && failing === 0 ? { ...out, message: `timestamp column: all values are valid dates` } : out;
      },
    };
  },
});
