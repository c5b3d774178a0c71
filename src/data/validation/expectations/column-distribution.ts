/**
 * `column_distribution`: the column's distribution is close to the same column of a reference dataset
 * (passed in by the caller as `reference`). Tests:
 * - `ks`: two-sample Kolmogorov–Smirnov on numeric/timestamp values (scipy ks_2samp 'auto'); default `pValueMin` 0.05.
 * - `chi_square`: chi-square test of independence on the 2 x K table of reference vs current category
 *   counts (scipy chi2_contingency semantics, Yates correction at 1 dof); default `pValueMin` 0.05.
 * - `psi`: population stability index (decile bins of the reference for numeric, categories otherwise);
 *   default `statisticMax` 0.2.
 * The default test is `ks` for numeric/timestamp columns and `chi_square` otherwise. Missing values are
 * ignored. Memory: numeric values are kept (8 bytes a row), categorical values as counts.
 */
import { z } from 'zod';
import { UsageError } from '../../../core/errors.js';
import type { Column, Frame } from '../../../core/frame.js';
import { cellValue, isMissing } from '../../../core/frame.js';
import { chiSquareContingency } from '../../../core/stats/chi-square-test.js';
import { ksTwoSample } from '../../../core/stats/ks-two-sample.js';
import { categoricalPsi, populationStabilityIndex } from '../../../core/stats/population-stability-index.js';
import type { CheckOutcome } from '../expectation-check.js';
import { baseFields, columnField, defineExpectation } from '../expectation-definition.js';

/** Schema of `column_distribution`. */
export const columnDistributionSchema = z.strictObject({
  type: z.literal('column_distribution'),
  ...baseFields,
  column: columnField,
  test: z.enum(['ks', 'chi_square', 'psi']).optional(),
  /** Where the reference comes from (a path or dataset ref); informational, the caller supplies the Frame. */
  reference: z.string().optional(),
  pValueMin: z.number().min(0).max(1).optional(),
  statisticMax: z.number().min(0).optional(),
});

const isNumericType = (t: string): boolean => t === 'numeric' || t === 'timestamp';

function numericValues(col: Column): Float64Array {
  if (col.type !== 'numeric' && col.type !== 'timestamp') return new Float64Array(0);
  return col.values.filter((v) => v === v);
}

function countStrings(col: Column, counts: Map<string, number>): void {
  const n = col.type === 'categorical' ? col.codes.length : col.values.length;
  for (let i = 0; i < n; i++) {
    if (isMissing(col, i)) continue;
    const s = String(cellValue(col, i));
    counts.set(s, (counts.get(s) ?? 0) + 1);
  }
}

/** `column_distribution` definition. */
export const columnDistribution = defineExpectation({
  schema: columnDistributionSchema,
  dimension: null,
  rowLevel: false,
  create(spec, ctx) {
    const reference: Frame | undefined = ctx.reference;
    if (!reference) {
      throw new UsageError(`expectation ${ctx.id} (column_distribution on "${spec.column}") needs reference data`, { field: 'reference' }, `Pass the reference dataset${spec.reference ? ` (${spec.reference})` : ''} as the "reference" option.`);
    }
    const refCol = reference.tryColumn(spec.column);
    if (!refCol) throw new UsageError(`expectation ${ctx.id}: column "${spec.column}" not found in the reference data`, { column: spec.column });
    const numeric = isNumericType(refCol.type);
    const test = spec.test ?? (numeric ? 'ks' : 'chi_square');
    if (test === 'ks' && !numeric) throw new UsageError(`expectation ${ctx.id}: the ks test needs a numeric column, "${spec.column}" is ${refCol.type} in the reference`, { column: spec.column }, 'Use "chi_square" or "psi" for categorical columns.');
    const useNumeric = test === 'ks' || (test === 'psi' && numeric);
    let buf = new Float64Array(1024);
    let n = 0;
    const counts = new Map<string, number>();
    let found = false;
    let wrongType: string | null = null;
    return {
      observe(frame) {
        const col = frame.tryColumn(spec.column);
        if (!col) return;
        found = true;
        if (useNumeric !== isNumericType(col.type)) {
          wrongType ??= col.type;
          return;
        }
        if (!useNumeric) {
          countStrings(col, counts);
          return;
        }
        const v = (col as { values: Float64Array }).values;
        if (n + v.length > buf.length) {
          const next = new Float64Array(Math.max(buf.length * 2, n + v.length));
          next.set(buf.subarray(0, n));
          buf = next;
        }
        for (let i = 0; i < v.length; i++) if (v[i] === v[i]) buf[n++] = v[i];
      },
      finish(): CheckOutcome {
        if (!found) return { success: false, observed: null, message: `column "${spec.column}" not found` };
        if (wrongType) return { success: false, observed: wrongType, message: `column "${spec.column}" is ${wrongType} but ${refCol.type} in the reference` };
        let statistic: number;
        let pValue: number | null = null;
        if (useNumeric) {
          const cur = buf.subarray(0, n);
          const ref = numericValues(refCol);
          if (cur.length === 0 || ref.length === 0) return { success: false, observed: null, message: `no non-missing values to compare in "${spec.column}"` };
          if (test === 'ks') {
            const r = ksTwoSample(ref, cur);
            statistic = r.statistic;
            pValue = r.pValue;
          } else statistic = populationStabilityIndex(ref, cur);
        } else {
          const refCounts = new Map<string, number>();
          countStrings(refCol, refCounts);
          const cats = [...new Set([...refCounts.keys(), ...counts.keys()])];
          const r = cats.map((c) => refCounts.get(c) ?? 0);
          const c = cats.map((k) => counts.get(k) ?? 0);
          if (cats.length === 0 || r.every((x) => x === 0) || c.every((x) => x === 0)) return { success: false, observed: null, message: `no non-missing values to compare in "${spec.column}"` };
          if (test === 'chi_square') {
            const res = chiSquareContingency([r, c]);
            statistic = res.statistic;
            pValue = res.pValue;
          } else statistic = categoricalPsi(r, c);
        }
        const pMin = spec.pValueMin ?? (test === 'psi' || spec.statisticMax !== undefined ? undefined : 0.05);
        const sMax = spec.statisticMax ?? (test === 'psi' ? 0.2 : undefined);
        const okP = pMin === undefined || (pValue !== null && pValue >= pMin);
        const okS = sMax === undefined || statistic <= sMax;
        const ok = okP && okS;
        const parts = [`${test} statistic ${statistic.toPrecision(6)}`];
        if (pValue !== null) parts.push(`p-value ${pValue.toPrecision(6)}`);
        const limits = [pMin !== undefined ? `p-value >= ${pMin}` : '', sMax !== undefined ? `statistic <= ${sMax}` : ''].filter(Boolean).join(' and ');
        return { success: ok, observed: { test, statistic, pValue }, message: `${parts.join(', ')}; ${ok ? 'within' : 'violates'} ${limits}` };
      },
    };
  },
});
