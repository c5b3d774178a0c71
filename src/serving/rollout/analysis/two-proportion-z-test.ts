/**
 * Two-proportion z-test for B − A. The test statistic uses the pooled standard error (the variance
 * under H0: pA = pB), exactly statsmodels `proportions_ztest(count=[sB, sA], nobs=[nB, nA])`; the
 * interval uses the unpooled Wald standard error, exactly statsmodels
 * `confint_proportions_2indep(sB, nB, sA, nA, method='wald', compare='diff')`. Using the pooled SE for
 * the test keeps its size right under H0; the interval cannot assume H0, so it does not pool.
 */
import { normalQuantile } from '../../../core/stats/normal-quantile.js';
import { normalTwoSidedP } from '../../../core/stats/normal-distribution.js';
import { checkRateSample, checkUnitInterval, DEFAULT_ALPHA, type AlphaOptions, type RateSample } from './ab-inputs.js';

/** The result of a two-sample comparison of B against A. */
export interface TwoProportionZTestResult {
  rateA: number;
  rateB: number;
  /** rateB − rateA. */
  diff: number;
  /** Two-sided (1 − alpha) Wald interval for the difference (unpooled SE). */
  ci: [number, number];
  /** diff / pooled SE; 0 when every trial has the same outcome (no variance, no evidence). */
  z: number;
  pValue: number;
}

/** Two-sided two-proportion z-test of B against A with a Wald interval for rateB − rateA. */
export function twoProportionZTest(a: RateSample, b: RateSample, options: AlphaOptions = {}): TwoProportionZTestResult {
  const alpha = checkUnitInterval(options.alpha, 'alpha', DEFAULT_ALPHA);
  const sa = checkRateSample(a, 'a');
  const sb = checkRateSample(b, 'b');
  const rateA = sa.successes / sa.trials;
  const rateB = sb.successes / sb.trials;
  const diff = rateB - rateA;
  const pooled = (sa.successes + sb.successes) / (sa.trials + sb.trials);
  const pooledSe = Math.sqrt(pooled * (1 - pooled) * (1 / sa.trials + 1 / sb.trials));
  // statsmodels returns NaN here; all-equal outcomes carry no evidence of a difference, so z = 0, p = 1.
  const z = pooledSe === 0 ? 0 : diff / pooledSe;
  const pValue = pooledSe === 0 ? 1 : normalTwoSidedP(z);
  const waldSe = Math.sqrt((rateA * (1 - rateA)) / sa.trials + (rateB * (1 - rateB)) / sb.trials);
  const crit = -normalQuantile(alpha / 2);
  return { rateA, rateB, diff, ci: [diff - crit * waldSe, diff + crit * waldSe], z, pValue };
}
