/** `table_row_count_between`: the total number of rows over all chunks is within [min, max]. */
import { z } from 'zod';
import { baseFields, boundsRefinement, defineExpectation } from '../expectation-definition.js';

/** Schema of `table_row_count_between`. */
export const tableRowCountBetweenSchema = z
  .strictObject({ type: z.literal('table_row_count_between'), ...baseFields, min: z.number().int().min(0).optional(), max: z.number().int().min(0).optional() })
  .superRefine(boundsRefinement);

/** `table_row_count_between` definition. */
export const tableRowCountBetween = defineExpectation({
  schema: tableRowCountBetweenSchema,
  dimension: null,
  rowLevel: false,
  create(spec) {
    return {
      observe() {},
      finish(rows) {
        const ok = (spec.min === undefined || rows >= spec.min) && (spec.max === undefined || rows <= spec.max);
        return { success: ok, observed: rows, message: `${rows} rows ${ok ? 'is' : 'is not'} within [${spec.min ?? 0}, ${spec.max ?? 'inf'}]` };
      },
    };
  },
});
