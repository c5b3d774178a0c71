/**
 * `column_values_between`: every non-missing value lies in [min, max] (or (min, max) with `strict`).
 * Numeric and timestamp columns; timestamp bounds may be ISO-8601 strings or epoch milliseconds.
 */
import { z } from 'zod';
import { InputError } from '../../../core/errors.js';
import { parseIsoTimestamp } from '../../../core/frame-builder.js';
import { rowLevelOutcome } from '../expectation-check.js';
import type { CheckOutcome } from '../expectation-check.js';
import { baseFields, boundsRefinement, columnField, defineExpectation } from '../expectation-definition.js';

const bound = z.union([z.number().finite(), z.string().min(1)]).optional();

/** Schema of `column_values_between`. */
export const columnValuesBetweenSchema = z
  .strictObject({ type: z.literal('column_values_between'), ...baseFields, column: columnField, min: bound, max: bound, strict: z.boolean().default(false) })
  .superRefine(boundsRefinement);

function toBound(v: number | string | undefined, fallback: number, id: string, field: string): number {
  if (v === undefined) return fallback;
  if (typeof v === 'number') return v;
  const t = parseIsoTimestamp(v);
  if (Number.isNaN(t)) throw new InputError(`expectation ${id}: ${field} "${v}" is neither a number nor an ISO-8601 timestamp`, { field }, 'Use a number, or a date like "2024-01-31".');
  return t;
}

/** `column_values_between` definition. */
export const columnValuesBetween = defineExpectation({
  schema: columnValuesBetweenSchema,
  dimension: 'validity',
  rowLevel: true,
  create(spec, ctx) {
    const lo = toBound(spec.min, -Infinity, ctx.id, 'min');
    const hi = toBound(spec.max, Infinity, ctx.id, 'max');
    const strict = spec.strict;
    let found = false;
    let wrongType: string | null = null;
    let min = Infinity;
    let max = -Infinity;
    return {
      observe(frame, out) {
        const col = frame.tryColumn(spec.column);
        if (!col) return;
        found = true;
        if (col.type !== 'numeric' && col.type !== 'timestamp') {
          wrongType ??= col.type;
          return;
        }
        const v = col.values;
        const rows = out.rows;
        let k = out.count;
        for (let i = 0; i < v.length; i++) {
          const x = v[i];
          if (x !== x) continue;
          if (x < min) min = x;
          if (x > max) max = x;
          if (strict ? x <= lo || x >= hi : x < lo || x > hi) rows[k++] = i;
        }
        out.count = k;
      },
      finish(rows, failing): CheckOutcome {
        if (!found) return { success: false, observed: null, message: `column "${spec.column}" not found` };
        if (wrongType) return { success: false, observed: wrongType, message: `column "${spec.column}" is ${wrongType}; column_values_between needs a numeric or timestamp column` };
        const base = rowLevelOutcome(failing, rows, `within [${spec.min ?? '-inf'}, ${spec.max ?? 'inf'}]`);
        return { ...base, observed: { min: Number.isFinite(min) ? min : null, max: Number.isFinite(max) ? max : null, failingRows: failing } };
      },
    };
  },
});
