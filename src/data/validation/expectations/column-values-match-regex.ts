/**
 * `column_values_match_regex`: every non-missing string value matches `pattern` (JavaScript syntax,
 * screened for catastrophic backtracking; values longer than the caller's cap fail without matching).
 */
import { z } from 'zod';
import { rowLevelOutcome } from '../expectation-check.js';
import { baseFields, columnField, defineExpectation } from '../expectation-definition.js';
import { compileSafeRegex } from '../regex-safety.js';
import { flagFailingStrings } from '../string-predicate.js';

/** Schema of `column_values_match_regex`. */
export const columnValuesMatchRegexSchema = z.strictObject({
  type: z.literal('column_values_match_regex'),
  ...baseFields,
  column: columnField,
  pattern: z.string().min(1),
  ignoreCase: z.boolean().default(false),
});

/** `column_values_match_regex` definition. */
export const columnValuesMatchRegex = defineExpectation({
  schema: columnValuesMatchRegexSchema,
  dimension: 'validity',
  rowLevel: true,
  create(spec, ctx) {
    const re = compileSafeRegex(spec.pattern, spec.ignoreCase ? 'iu' : 'u', `expectation ${ctx.id} (column_values_match_regex on "${spec.column}")`);
    const cap = ctx.maxStringLength;
    const ok = (s: string): boolean => s.length <= cap && re.test(s);
    let found = false;
    let wrongType: string | null = null;
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
        if (wrongType) return { success: false, observed: wrongType, message: `column "${spec.column}" is ${wrongType}; regexes apply to categorical or text columns` };
        return rowLevelOutcome(failing, rows, `matching /${spec.pattern}/`);
      },
    };
  },
});
