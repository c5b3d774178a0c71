/**
 * Welch's unequal-variance t-test for mean(B) − mean(A) from summary statistics, exactly
 * scipy.stats.ttest_ind_from_stats(mean_b, sqrt(var_b), n_b, mean_a, sqrt(var_a), n_a, equal_var=False),
 * with the interval diff ± t_{1−α/2, ν} · SE on the same Welch–Satterthwaite ν.
 */
import { studentTQuantile, studentTTwoSidedP } from '../../../core/stats/student-t-distribution.js';
import { checkMeanSample, checkUnitInterval, DEFAULT_ALPHA, type AlphaOptions, type MeanSample } from './ab-inputs.js';

/** The result of Welch's test of B against A. */
export interface WelchTTestResult {
  /** mean(B) − mean(A). */
  diff: number;
  /** Two-sided (1 − alpha) interval for the difference. */
  ci: [number, number];
  t: number;
  /** Welch–Satterthwaite degrees of freedom. */
  df: number;
  pValue: number;
}

/**
 * Two-sided Welch t-test of B against A. When both variances are 0 the standard error is 0: equal
 * means give t = 0, p = 1; different means give t = ±Infinity, p = 0; ν is then nA + nB − 2.
 */
export function welchTTest(a: MeanSample, b: MeanSample, options: AlphaOptions = {}): WelchTTestResult {
  const alpha = checkUnitInterval(options.alpha, 'alpha', DEFAULT_ALPHA);
  const sa = checkMeanSample(a, 'a');
  const sb = checkMeanSample(b, 'b');
  const diff = sb.mean - sa.mean;
  const va = sa.variance / sa.n;
  const vb = sb.variance / sb.n;
  const se2 = va + vb;
  if (se2 === 0) {
    const t = diff === 0 ? 0 : diff > 0 ? Infinity : -Infinity;
    return { diff, ci: [diff, diff], t, df: sa.n + sb.n - 2, pValue: diff === 0 ? 1 : 0 };
  }
  const se = Math.sqrt(se2);
  const df = (se2 * se2) / ((va * va) / (sa.n - 1) + (vb * vb) / (sb.n - 1));
  const t = diff / se;
  const crit = -studentTQuantile(alpha / 2, df);
  return { diff, ci: [diff - crit * se, diff + crit * se], t, df, pValue: studentTTwoSidedP(t, df) };
}
