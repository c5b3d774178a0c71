/**
 * The plain-data shapes the A/B statistics take (counts and summary statistics, never raw events, so a
 * rollout can keep running sums) and their validation: every function here rejects malformed numbers
 * with an `InputError` naming the field, because these arrive from stored rollout state and HTTP bodies.
 */
import { InputError } from '../../../core/errors.js';

/** Conversions out of trials for a binary outcome. */
export interface RateSample {
  successes: number;
  trials: number;
}

/** Summary statistics of a continuous outcome: sample mean, unbiased (n − 1) variance, count. */
export interface MeanSample {
  mean: number;
  variance: number;
  n: number;
}

/** Options shared by the fixed-horizon tests. */
export interface AlphaOptions {
  /** Two-sided significance level; 0.05 when omitted. */
  alpha?: number;
}

/** The default two-sided significance level. */
export const DEFAULT_ALPHA = 0.05;

/** A number in the open interval (0, 1), or the default when undefined. */
export function checkUnitInterval(value: number | undefined, field: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value > 0 && value < 1)) {
    throw new InputError(`${field} must be a number strictly between 0 and 1, got ${String(value)}`, { field }, `pass e.g. ${fallback}`);
  }
  return value;
}

/** A finite number. */
export function checkFinite(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new InputError(`${field} must be a finite number, got ${describe(value)}`, { field });
  }
  return value;
}

/** A finite number > 0. */
export function checkPositive(value: unknown, field: string): number {
  const v = checkFinite(value, field);
  if (!(v > 0)) throw new InputError(`${field} must be greater than 0, got ${v}`, { field });
  return v;
}

/** A non-negative safe integer. */
export function checkCount(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new InputError(`${field} must be a non-negative integer, got ${describe(value)}`, { field });
  }
  return value;
}

/** A rate sample with 0 <= successes <= trials (trials may be 0 only where `allowEmpty`). */
export function checkRateSample(s: RateSample, field: string, allowEmpty = false): RateSample {
  if (typeof s !== 'object' || s === null) throw new InputError(`${field} must be an object {successes, trials}`, { field });
  const trials = checkCount(s.trials, `${field}.trials`);
  const successes = checkCount(s.successes, `${field}.successes`);
  if (successes > trials) {
    throw new InputError(`${field}.successes (${successes}) exceeds ${field}.trials (${trials})`, { field: `${field}.successes` });
  }
  if (trials === 0 && !allowEmpty) throw new InputError(`${field}.trials must be at least 1`, { field: `${field}.trials` });
  return { successes, trials };
}

/** A mean sample with variance >= 0 and n >= `minN`. */
export function checkMeanSample(s: MeanSample, field: string, minN = 2): MeanSample {
  if (typeof s !== 'object' || s === null) throw new InputError(`${field} must be an object {mean, variance, n}`, { field });
  const mean = checkFinite(s.mean, `${field}.mean`);
  const variance = checkFinite(s.variance, `${field}.variance`);
  if (variance < 0) throw new InputError(`${field}.variance must be >= 0, got ${variance}`, { field: `${field}.variance` });
  const n = checkCount(s.n, `${field}.n`);
  if (n < minN) {
    throw new InputError(`${field}.n must be at least ${minN} (a sample variance needs two observations), got ${n}`, { field: `${field}.n` });
  }
  return { mean, variance, n };
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return String(value);
}
