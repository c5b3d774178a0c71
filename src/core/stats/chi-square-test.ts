/**
 * Chi-square tests with scipy semantics: goodness of fit (scipy.stats.chisquare) and the test of
 * independence on a contingency table (scipy.stats.chi2_contingency, including its default Yates
 * continuity correction when the table has one degree of freedom).
 */
import { InputError } from '../errors.js';
import { chiSquareSf } from './chi-square-distribution.js';

/** A chi-square statistic with its degrees of freedom and p-value. */
export interface ChiSquareResult {
  readonly statistic: number;
  readonly pValue: number;
  readonly dof: number;
}

/** scipy.stats.chisquare(observed, expected): expected must sum to the observed total (within 1e-8 relative). */
export function chiSquareGoodnessOfFit(observed: ArrayLike<number>, expected: ArrayLike<number>): ChiSquareResult {
  const k = observed.length;
  if (expected.length !== k) throw new InputError(`chi-square: ${k} observed counts but ${expected.length} expected counts`);
  let so = 0;
  let se = 0;
  for (let i = 0; i < k; i++) {
    so += observed[i];
    se += expected[i];
  }
  if (Math.abs(so - se) > 1e-8 * Math.max(so, se)) {
    throw new InputError(`chi-square: observed counts sum to ${so} but expected counts sum to ${se}`, {}, 'Scale the expected frequencies to the observed total.');
  }
  let stat = 0;
  for (let i = 0; i < k; i++) {
    const diff = observed[i] - expected[i];
    stat += (diff * diff) / expected[i];
  }
  const dof = k - 1;
  return { statistic: stat, pValue: dof > 0 ? chiSquareSf(stat, dof) : NaN, dof };
}

/**
 * scipy.stats.chi2_contingency(table) for a table given as rows of counts: expected frequencies from
 * the margins; with dof = 1 each |observed - expected| is shrunk by up to 0.5 (Yates) unless `correction` is false.
 */
export function chiSquareContingency(table: readonly ArrayLike<number>[], correction = true): ChiSquareResult {
  const r = table.length;
  const c = r > 0 ? table[0].length : 0;
  const rowSums = new Float64Array(r);
  const colSums = new Float64Array(c);
  let total = 0;
  for (let i = 0; i < r; i++) {
    if (table[i].length !== c) throw new InputError(`chi-square: contingency row ${i} has ${table[i].length} cells, expected ${c}`);
    for (let j = 0; j < c; j++) {
      const v = table[i][j];
      rowSums[i] += v;
      colSums[j] += v;
      total += v;
    }
  }
  for (let j = 0; j < c; j++) {
    if (colSums[j] === 0) throw new InputError(`chi-square: contingency column ${j} is all zeros`, {}, 'Drop categories that occur in neither sample.');
  }
  for (let i = 0; i < r; i++) {
    if (rowSums[i] === 0) throw new InputError(`chi-square: contingency row ${i} is all zeros`, {}, 'Both samples need at least one value.');
  }
  const dof = (r - 1) * (c - 1);
  if (dof === 0) return { statistic: 0, pValue: 1, dof: 0 };
  let stat = 0;
  for (let i = 0; i < r; i++) {
    for (let j = 0; j < c; j++) {
      const e = (rowSums[i] * colSums[j]) / total;
      let diff = table[i][j] - e;
      if (dof === 1 && correction) {
        // Yates: move each observed count toward its expected count by at most 0.5.
        diff -= Math.sign(diff) * Math.min(0.5, Math.abs(diff));
      }
      stat += (diff * diff) / e;
    }
  }
  return { statistic: stat, pValue: chiSquareSf(stat, dof), dof };
}
