/** `column_exists`: the column is present (in every chunk). */
import { z } from 'zod';
import { baseFields, columnField, defineExpectation } from '../expectation-definition.js';

/** Schema of `column_exists`. */
export const columnExistsSchema = z.strictObject({ type: z.literal('column_exists'), ...baseFields, column: columnField });

/** `column_exists` definition. */
export const columnExists = defineExpectation({
  schema: columnExistsSchema,
  dimension: null,
  rowLevel: false,
  create(spec) {
    let chunks = 0;
    let present = 0;
    return {
      observe(frame) {
        chunks++;
        if (frame.has(spec.column)) present++;
      },
      finish() {
        const ok = chunks > 0 && present === chunks;
        return { success: ok, observed: ok, message: ok ? `column "${spec.column}" exists` : `column "${spec.column}" not found` };
      },
    };
  },
});
