/**
 * Minimum sample size per arm for a two-sample z-test to detect a given effect with a given power,
 * exactly statsmodels `NormalIndPower().solve_power(effect_size, alpha=, power=, ratio=, alternative=)`
 * (= `zt_ind_solve_power`). Rates use Cohen's h, statsmodels `proportion_effectsize(p + mde, p)`
 * = 2·asin√(p + mde) − 2·asin√p; means use Cohen's d = mde / σ. The two-sided power counts both
 * rejection tails, as statsmodels does, so it is solved numerically (Newton from the one-tail closed form).
 */
import { InputError } from '../../../core/errors.js';
import { normalCdf, normalPdf, normalSf } from '../../../core/stats/normal-distribution.js';
import { normalQuantile } from '../../../core/stats/normal-quantile.js';
import { checkFinite, checkPositive, checkUnitInterval, DEFAULT_ALPHA } from './ab-inputs.js';

/** The default power (1 − β). */
export const DEFAULT_POWER = 0.8;

interface CommonSizeOptions {
  /** Smallest difference worth detecting (absolute; B − A). For rates baselineRate + mde must lie in [0, 1]. */
  minimumDetectableEffect: number;
  alpha?: number;
  power?: number;
  /** Two-sided test (default true); one-sided uses statsmodels alternative='larger' on |effect|. */
  twoSided?: boolean;
  /** Size of the treatment arm relative to the control arm (statsmodels `ratio` = nobs2 / nobs1); 1 by default. */
  ratio?: number;
}

/** What to size for: a rate (the default kind) or a mean. */
export type MinimumSampleSizeOptions =
  | (CommonSizeOptions & { kind?: 'rate'; baselineRate: number })
  | (CommonSizeOptions & { kind: 'mean'; standardDeviation: number });

/** The required sample sizes. */
export interface MinimumSampleSize {
  /** Cohen's h (rates) or d (means). */
  effectSize: number;
  /** The unrounded control-arm size, statsmodels' `nobs1`. */
  exact: number;
  /** Observations needed in the control arm (exact, rounded up). */
  control: number;
  /** Observations needed in the treatment arm, ceil(exact · ratio). */
  treatment: number;
}

/** Cohen's h between rates p2 and p1: 2·asin√p2 − 2·asin√p1. */
export function cohensH(p2: number, p1: number): number {
  return 2 * Math.asin(Math.sqrt(p2)) - 2 * Math.asin(Math.sqrt(p1));
}

/** The per-arm sample size to detect the effect; throws `InputError` for impossible designs. */
export function minimumSampleSize(options: MinimumSampleSizeOptions): MinimumSampleSize {
  const alpha = checkUnitInterval(options.alpha, 'alpha', DEFAULT_ALPHA);
  const power = checkUnitInterval(options.power, 'power', DEFAULT_POWER);
  const twoSided = options.twoSided ?? true;
  const ratio = options.ratio === undefined ? 1 : checkPositive(options.ratio, 'ratio');
  const mde = checkFinite(options.minimumDetectableEffect, 'minimumDetectableEffect');
  if (mde === 0) throw new InputError('minimumDetectableEffect must not be 0: no sample size detects a zero effect', { field: 'minimumDetectableEffect' });
  if (power <= alpha) {
    throw new InputError(`power (${power}) must exceed alpha (${alpha}): a test has that much power with no data`, { field: 'power' });
  }
  let effectSize: number;
  if (options.kind === 'mean') {
    effectSize = mde / checkPositive(options.standardDeviation, 'standardDeviation');
  } else {
    const p = checkFinite(options.baselineRate, 'baselineRate');
    if (p < 0 || p > 1) throw new InputError(`baselineRate must be in [0, 1], got ${p}`, { field: 'baselineRate' });
    if (p + mde < 0 || p + mde > 1) {
      throw new InputError(`baselineRate + minimumDetectableEffect = ${p + mde} is not a rate in [0, 1]`, { field: 'minimumDetectableEffect' }, 'use a smaller effect or the opposite sign');
    }
    effectSize = cohensH(p + mde, p);
  }
  const d = Math.abs(effectSize);
  // n_eff = 1 / (1/n1 + 1/n2) = n1 · r / (1 + r); power depends on n only through s = sqrt(n_eff).
  const s = twoSided ? solveTwoSided(d, alpha, power) : (-normalQuantile(alpha) - normalQuantile(1 - power)) / d;
  const exact = (s * s * (1 + ratio)) / ratio;
  return { effectSize, exact, control: Math.ceil(exact), treatment: Math.ceil(exact * ratio) };
}

/** s with sf(c − d s) + cdf(−c − d s) = power, c = z_{1−α/2}. */
function solveTwoSided(d: number, alpha: number, power: number): number {
  const c = -normalQuantile(alpha / 2);
  let s = (c - normalQuantile(1 - power)) / d;
  for (let i = 0; i < 100; i++) {
    const g = normalSf(c - d * s) + normalCdf(-c - d * s) - power;
    const dg = d * (normalPdf(c - d * s) - normalPdf(-c - d * s));
    if (dg <= 0) break;
    const step = g / dg;
    s -= step;
    if (Math.abs(step) <= 1e-15 * s) break;
  }
  return s;
}
