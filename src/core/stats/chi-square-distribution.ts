/** The chi-square distribution's CDF and survival function, via the regularized incomplete gamma. */
import { regularizedGammaP, regularizedGammaQ } from './incomplete-gamma.js';

/** P(X <= x) for X ~ chi-square(dof). */
export function chiSquareCdf(x: number, dof: number): number {
  if (x <= 0) return 0;
  return regularizedGammaP(dof / 2, x / 2);
}

/** P(X > x) for X ~ chi-square(dof) (the p-value of a chi-square statistic). */
export function chiSquareSf(x: number, dof: number): number {
  if (x <= 0) return 1;
  return regularizedGammaQ(dof / 2, x / 2);
}
