/**
 * Ordinary least squares and ridge in closed form: Cholesky of the centered, weighted Gram matrix
 * (X'WX + alpha I) w = X'Wy, as scikit-learn's Ridge objective ||y - Xw||^2_W + alpha ||w||^2
 * (sums, not means). OLS is alpha = 0 with the jitter fallback for singular designs.
 */
import type { FeatureMatrix } from '../../runtime/feature-matrix.js';
import { choleskySolve } from './cholesky-solve.js';
import { buildGramSystem, interceptFor } from './weighted-design.js';

/** Coefficients and intercept of a single-output linear fit. */
export interface SingleOutputFit {
  readonly coef: Float64Array;
  readonly intercept: number;
  readonly iterations: number;
  readonly converged: boolean;
}

/** Fit OLS (alpha = 0) or ridge (alpha > 0) with optional row weights. */
export function fitLeastSquares(x: FeatureMatrix, y: Float64Array, w: Float64Array | undefined, alpha: number, fitIntercept: boolean): SingleOutputFit {
  const sys = buildGramSystem(x, y, w, fitIntercept);
  const { x: coef } = choleskySolve(sys.gram, sys.xty, sys.cols, alpha);
  return { coef, intercept: fitIntercept ? interceptFor(sys, coef) : 0, iterations: 1, converged: true };
}
