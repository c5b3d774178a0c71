/**
 * The standard normal distribution: CDF and survival function through the regularized incomplete gamma
 * function (Φ(z) = (1 + sign(z) P(1/2, z²/2)) / 2), accurate to ~1e-14 like the rest of core/stats.
 */
import { regularizedGammaP, regularizedGammaQ } from './incomplete-gamma.js';

/** Φ(z): P(Z <= z) for a standard normal Z. */
export function normalCdf(z: number): number {
  if (Number.isNaN(z)) return Number.NaN;
  if (z === 0) return 0.5;
  const half = 0.5 * regularizedGammaQ(0.5, (z * z) / 2);
  return z > 0 ? 1 - half : half;
}

/** 1 - Φ(z), without cancellation in the upper tail. */
export function normalSf(z: number): number {
  return normalCdf(-z);
}

/** The standard normal density. */
export function normalPdf(z: number): number {
  return Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
}

/** Two-sided p-value of a z statistic. */
export function normalTwoSidedP(z: number): number {
  return Math.abs(z) < 1 ? 1 - regularizedGammaP(0.5, (z * z) / 2) : regularizedGammaQ(0.5, (z * z) / 2);
}
