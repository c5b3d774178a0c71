/** `column_type`: the column has the given Kiln column type. */
import { z } from 'zod';
import type { ColumnType } from '../../../core/schema.js';
import { COLUMN_TYPES } from '../../../core/schema.js';
import { columnNotFound } from '../expectation-check.js';
import { baseFields, columnField, defineExpectation } from '../expectation-definition.js';

/** Schema of `column_type`. */
export const columnTypeSchema = z.strictObject({
  type: z.literal('column_type'),
  ...baseFields,
  column: columnField,
  columnType: z.enum(COLUMN_TYPES as [ColumnType, ...ColumnType[]]),
});

/** `column_type` definition. */
export const columnTypeExpectation = defineExpectation({
  schema: columnTypeSchema,
  dimension: 'validity',
  rowLevel: false,
  create(spec) {
    let seen: ColumnType | null = null;
    let mismatch: ColumnType | null = null;
    return {
      observe(frame) {
        const col = frame.tryColumn(spec.column);
        if (!col) return;
        seen ??= col.type;
        if (col.type !== spec.columnType) mismatch ??= col.type;
      },
      finish() {
        if (seen === null) return columnNotFound(spec.column);
        const actual = mismatch ?? seen;
        const ok = mismatch === null;
        return { success: ok, observed: actual, message: ok ? `column "${spec.column}" is ${spec.columnType}` : `column "${spec.column}" is ${actual}, expected ${spec.columnType}` };
      },
    };
  },
});
