/**
 * `column_mean_between`, `column_stdev_between` (sample standard deviation, ddof = 1 like pandas) and
 * `column_quantile_between` (numpy 'linear' quantile) over the non-missing values of a numeric column.
 * Mean and stdev stream in O(1) memory (Chan's merge of per-chunk moments); the quantile keeps the
 * column's values (8 bytes a row) because an exact quantile needs them.
 */
import { z } from 'zod';
import { quantileInPlace } from '../../../core/stats/quantile.js';
import type { CheckOutcome, ExpectationCheck } from '../expectation-check.js';
import { baseFields, boundsRefinement, columnField, defineExpectation, optionalBound } from '../expectation-definition.js';

/** Schema of `column_mean_between`. */
export const columnMeanBetweenSchema = z
  .strictObject({ type: z.literal('column_mean_between'), ...baseFields, column: columnField, min: optionalBound, max: optionalBound })
  .superRefine(boundsRefinement);

/** Schema of `column_stdev_between`. */
export const columnStdevBetweenSchema = z
  .strictObject({ type: z.literal('column_stdev_between'), ...baseFields, column: columnField, min: optionalBound, max: optionalBound })
  .superRefine(boundsRefinement);

/** Schema of `column_quantile_between`. */
export const columnQuantileBetweenSchema = z
  .strictObject({ type: z.literal('column_quantile_between'), ...baseFields, column: columnField, quantile: z.number().min(0).max(1), min: optionalBound, max: optionalBound })
  .superRefine(boundsRefinement);

interface Bounded {
  column: string;
  min?: number;
  max?: number;
}

function judge(spec: Bounded, what: string, value: number, count: number): CheckOutcome {
  if (count === 0) return { success: false, observed: null, message: `column "${spec.column}" has no non-missing values to compute the ${what}` };
  const ok = (spec.min === undefined || value >= spec.min) && (spec.max === undefined || value <= spec.max);
  return { success: ok, observed: value, message: `${what} ${value} ${ok ? 'is' : 'is not'} within [${spec.min ?? '-inf'}, ${spec.max ?? 'inf'}]` };
}

/** Streaming mean and M2 over the numeric column `column`. */
function momentsCheck(spec: Bounded, kind: 'mean' | 'stdev'): ExpectationCheck {
  let n = 0;
  let mean = 0;
  let m2 = 0;
  let found = false;
  let wrongType: string | null = null;
  return {
    observe(frame) {
      const col = frame.tryColumn(spec.column);
      if (!col) return;
      found = true;
      if (col.type !== 'numeric') {
        wrongType ??= col.type;
        return;
      }
      const v = col.values;
      let cn = 0;
      let sum = 0;
      for (let i = 0; i < v.length; i++) {
        const x = v[i];
        if (x === x) {
          cn++;
          sum += x;
        }
      }
      if (cn === 0) return;
      const cm = sum / cn;
      let cm2 = 0;
      for (let i = 0; i < v.length; i++) {
        const x = v[i];
        if (x === x) cm2 += (x - cm) * (x - cm);
      }
      const total = n + cn;
      const delta = cm - mean;
      mean += (delta * cn) / total;
      m2 += cm2 + (delta * delta * n * cn) / total;
      n = total;
    },
    finish() {
      if (!found) return { success: false, observed: null, message: `column "${spec.column}" not found` };
      if (wrongType) return { success: false, observed: wrongType, message: `column "${spec.column}" is ${wrongType}, expected numeric` };
      if (kind === 'mean') return judge(spec, 'mean', mean, n);
      return judge(spec, 'standard deviation', n > 1 ? Math.sqrt(m2 / (n - 1)) : NaN, n > 1 ? n : 0);
    },
  };
}

/** `column_mean_between` definition. */
export const columnMeanBetween = defineExpectation({
  schema: columnMeanBetweenSchema,
  dimension: null,
  rowLevel: false,
  create: (spec) => momentsCheck(spec, 'mean'),
});

/** `column_stdev_between` definition. */
export const columnStdevBetween = defineExpectation({
  schema: columnStdevBetweenSchema,
  dimension: null,
  rowLevel: false,
  create: (spec) => momentsCheck(spec, 'stdev'),
});

/** `column_quantile_between` definition. */
export const columnQuantileBetween = defineExpectation({
  schema: columnQuantileBetweenSchema,
  dimension: null,
  rowLevel: false,
  create(spec) {
    let buf = new Float64Array(1024);
    let n = 0;
    let found = false;
    let wrongType: string | null = null;
    return {
      observe(frame) {
        const col = frame.tryColumn(spec.column);
        if (!col) return;
        found = true;
        if (col.type !== 'numeric') {
          wrongType ??= col.type;
          return;
        }
        const v = col.values;
        if (n + v.length > buf.length) {
          const next = new Float64Array(Math.max(buf.length * 2, n + v.length));
          next.set(buf.subarray(0, n));
          buf = next;
        }
        for (let i = 0; i < v.length; i++) if (v[i] === v[i]) buf[n++] = v[i];
      },
      finish() {
        if (!found) return { success: false, observed: null, message: `column "${spec.column}" not found` };
        if (wrongType) return { success: false, observed: wrongType, message: `column "${spec.column}" is ${wrongType}, expected numeric` };
        return judge(spec, `quantile ${spec.quantile}`, quantileInPlace(buf.subarray(0, n), spec.quantile), n);
      },
    };
  },
});
