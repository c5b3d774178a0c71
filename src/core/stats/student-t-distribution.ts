/**
 * Student's t distribution with ν > 0 degrees of freedom (ν need not be an integer: Welch's test
 * uses the Welch–Satterthwaite ν). Tails go through the regularized incomplete beta function,
 * P(|T| > t) = I_{ν/(ν+t²)}(ν/2, ½), with both x and 1 − x formed directly so neither tail cancels.
 */
import { regularizedBeta } from './incomplete-beta.js';
import { logBeta } from './log-beta.js';
import { normalTwoSidedP } from './normal-distribution.js';
import { normalQuantile } from './normal-quantile.js';

/** P(|T| > |t|) for T ~ t(ν). */
export function studentTTwoSidedP(t: number, df: number): number {
  if (Number.isNaN(t) || Number.isNaN(df) || df <= 0) return NaN;
  if (!Number.isFinite(t)) return 0;
  if (df === Infinity) return normalTwoSidedP(t);
  const t2 = t * t;
  return regularizedBeta(df / (df + t2), df / 2, 0.5, t2 / (df + t2), -Math.log1p(t2 / df), Math.log(t2 / (df + t2)));
}

/** P(T > t) for T ~ t(ν). */
export function studentTSf(t: number, df: number): number {
  const half = 0.5 * studentTTwoSidedP(t, df);
  return t >= 0 ? half : 1 - half;
}

/** P(T <= t) for T ~ t(ν). */
export function studentTCdf(t: number, df: number): number {
  return studentTSf(-t, df);
}

/** The density of t(ν) at t. */
export function studentTPdf(t: number, df: number): number {
  return Math.exp(-((df + 1) / 2) * Math.log1p((t * t) / df) - 0.5 * Math.log(df) - logBeta(df / 2, 0.5));
}

/** The quantile t such that P(T <= t) = p, by Newton steps on the upper tail from the normal quantile. */
export function studentTQuantile(p: number, df: number): number {
  if (Number.isNaN(p) || Number.isNaN(df) || df <= 0 || p < 0 || p > 1) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p === 0.5) return 0;
  if (df === Infinity) return normalQuantile(p);
  // Solve P(T > x) = q with q <= ½ and x > 0; mirror for the lower half.
  const q = p > 0.5 ? 1 - p : p;
  let x = Math.max(-normalQuantile(q), 1e-8);
  let lo = 0;
  let hi = Infinity;
  for (let i = 0; i < 200; i++) {
    const sf = 0.5 * studentTTwoSidedP(x, df);
    if (sf > q) lo = x;
    else hi = x;
    const pdf = studentTPdf(x, df);
    let next = x + (sf - q) / pdf;
    // Newton can overshoot in heavy tails (small ν); fall back to bisection/doubling inside the bracket.
    if (!(next > lo && next < hi) || !Number.isFinite(next)) next = hi === Infinity ? 2 * x : 0.5 * (lo + hi);
    if (Math.abs(next - x) <= 1e-15 * x) {
      x = next;
      break;
    }
    x = next;
  }
  return p > 0.5 ? x : -x;
}
