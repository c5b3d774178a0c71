/**
 * Confidence intervals for one variant's metric: the Wilson score interval for a rate (statsmodels
 * `proportion_confint(method='wilson')`; unlike Wald it stays inside [0, 1] and is honest at 0 or 100 %
 * conversions and small n) and the Student t interval for a mean (scipy `t.interval(1 − α, n − 1, mean, sem)`).
 */
import { normalQuantile } from '../../../core/stats/normal-quantile.js';
import { studentTQuantile } from '../../../core/stats/student-t-distribution.js';
import { checkMeanSample, checkRateSample, checkUnitInterval, DEFAULT_ALPHA, type AlphaOptions, type MeanSample, type RateSample } from './ab-inputs.js';

/** The (1 − alpha) Wilson score interval for successes / trials. */
export function wilsonInterval(sample: RateSample, options: AlphaOptions = {}): [number, number] {
  const alpha = checkUnitInterval(options.alpha, 'alpha', DEFAULT_ALPHA);
  const { successes, trials } = checkRateSample(sample, 'sample');
  const z = -normalQuantile(alpha / 2);
  const p = successes / trials;
  const z2 = z * z;
  const denom = 1 + z2 / trials;
  const center = (p + z2 / (2 * trials)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials))) / denom;
  return [center - half, center + half];
}

/** The (1 − alpha) Student t interval for a mean from its summary statistics. */
export function meanInterval(sample: MeanSample, options: AlphaOptions = {}): [number, number] {
  const alpha = checkUnitInterval(options.alpha, 'alpha', DEFAULT_ALPHA);
  const { mean, variance, n } = checkMeanSample(sample, 'sample');
  const half = -studentTQuantile(alpha / 2, n - 1) * Math.sqrt(variance / n);
  return [mean - half, mean + half];
}
