/**
 * `column_freshness`: the newest timestamp in the column is at most `maxAge` old relative to "now"
 * (the validation's injectable clock). Timestamp columns, or text/categorical ISO-8601 strings.
 */
import { z } from 'zod';
import { parseIsoTimestamp } from '../../../core/frame-builder.js';
import { baseFields, columnField, defineExpectation } from '../expectation-definition.js';
import { durationToMs } from '../iso-duration.js';

/** Schema of `column_freshness`. */
export const columnFreshnessSchema = z.strictObject({
  type: z.literal('column_freshness'),
  ...baseFields,
  column: columnField,
  /** ISO-8601 duration ("P1D") or seconds. */
  maxAge: z.union([z.string().min(2), z.number().positive()]),
});

/** `column_freshness` definition. */
export const columnFreshness = defineExpectation({
  schema: columnFreshnessSchema,
  dimension: 'timeliness',
  rowLevel: false,
  create(spec, ctx) {
    const maxAgeMs = durationToMs(spec.maxAge, `expectation ${ctx.id} (column_freshness on "${spec.column}")`);
    let newest = -Infinity;
    let found = false;
    let wrongType: string | null = null;
    return {
      observe(frame) {
        const col = frame.tryColumn(spec.column);
        if (!col) return;
        found = true;
        if (col.type === 'timestamp') {
          const v = col.values;
          for (let i = 0; i < v.length; i++) if (v[i] > newest) newest = v[i];
        } else if (col.type === 'text' || col.type === 'categorical') {
          const strings = col.type === 'text' ? col.values : col.categories;
          for (const s of strings) {
            if (s === null) continue;
            const t = parseIsoTimestamp(s);
            if (t > newest) newest = t;
          }
        } else wrongType ??= col.type;
      },
      finish() {
        if (!found) return { success: false, observed: null, message: `column "${spec.column}" not found` };
        if (wrongType) return { success: false, observed: wrongType, message: `column "${spec.column}" is ${wrongType}; freshness needs timestamps` };
        if (newest === -Infinity) return { success: false, observed: null, message: `column "${spec.column}" has no timestamps` };
        const ageMs = ctx.now.getTime() - newest;
        const ok = ageMs <= maxAgeMs;
        return {
          success: ok,
          observed: { newest: new Date(newest).toISOString(), ageSeconds: ageMs / 1000 },
          message: `newest value ${new Date(newest).toISOString()} is ${(ageMs / 3600000).toFixed(2)} h old; allowed ${(maxAgeMs / 3600000).toFixed(2)} h`,
        };
      },
    };
  },
});
