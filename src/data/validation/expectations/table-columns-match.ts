/**
 * `table_columns_match`: the table has exactly `columns` (no more, no fewer); with `ordered` also in
 * that order.
 */
import { z } from 'zod';
import { baseFields, defineExpectation } from '../expectation-definition.js';

/** Schema of `table_columns_match`. */
export const tableColumnsMatchSchema = z.strictObject({
  type: z.literal('table_columns_match'),
  ...baseFields,
  columns: z.array(z.string().min(1)),
  ordered: z.boolean().default(false),
});

/** `table_columns_match` definition. */
export const tableColumnsMatch = defineExpectation({
  schema: tableColumnsMatchSchema,
  dimension: null,
  rowLevel: false,
  create(spec) {
    let names: string[] | null = null;
    let changed = false;
    return {
      observe(frame) {
        const got = frame.names;
        if (names === null) names = got;
        else if (got.join('\u0000') !== names.join('\u0000')) changed = true;
      },
      finish() {
        const actual = names ?? [];
        const want = new Set(spec.columns);
        const have = new Set(actual);
        const missing = spec.columns.filter((c) => !have.has(c));
        const extra = actual.filter((c) => !want.has(c));
        const orderOk = !spec.ordered || actual.join('\u0000') === spec.columns.join('\u0000');
        const ok = !changed && missing.length === 0 && extra.length === 0 && orderOk;
        const problems: string[] = [];
        if (missing.length) problems.push(`missing: ${missing.join(', ')}`);
        if (extra.length) problems.push(`unexpected: ${extra.join(', ')}`);
        if (!orderOk && missing.length === 0 && extra.length === 0) problems.push(`order is ${actual.join(', ')}`);
        if (changed) problems.push('columns differ between chunks');
        return { success: ok, observed: actual, message: ok ? 'columns match' : problems.join('; ') };
      },
    };
  },
});
