/**
 * Ordinary least squares and ridge: Cholesky of the centered, weighted Gram matrix
 * (X'WX + alpha I) w = X'Wy, as scikit-learn's Ridge objective ||y - Xw||^2_W + alpha ||w||^2 (sums,
 * not means). OLS is alpha = 0 with the jitter fallback for singular designs. Wide designs (more than
 * GRAM_MAX_FEATURES columns) use residual-form coordinate descent on the same objective instead.
 */
import type { FeatureMatrix } from '../../runtime/feature-matrix.js';
import { choleskySolve } from './cholesky-solve.js';
import { coordinateDescentResidual } from './elastic-net-cd.js';
import { GRAM_MAX_FEATURES, buildWeightedDesign, gramOf, interceptFor } from './weighted-design.js';

/** Coefficients and intercept of a single-output linear fit. */
export interface SingleOutputFit {
  readonly coef: Float64Array;
  readonly intercept: number;
  readonly iterations: number;
  readonly converged: boolean;
}

/** Iterative settings, used only on wide designs. */
export interface WideSolveSettings {
  readonly maxIter: number;
  readonly tol: number;
}

/** Fit OLS (alpha = 0) or ridge (alpha > 0) with optional row weights. */
export function fitLeastSquares(
  x: FeatureMatrix,
  y: Float64Array,
  w: Float64Array | undefined,
  alpha: number,
  fitIntercept: boolean,
  wide: WideSolveSettings = { maxIter: 1000, tol: 1e-4 },
): SingleOutputFit {
  const design = buildWeightedDesign(x, y, w, fitIntercept);
  if (x.cols > GRAM_MAX_FEATURES) {
    // 0.5 ||r||^2 + 0.5 * alpha ||w||^2 is half the ridge objective: same minimizer.
    const r = coordinateDescentResidual(design, { l1: 0, l2: alpha, maxIter: wide.maxIter, tol: wide.tol });
    return { coef: r.coef, intercept: fitIntercept ? interceptFor(design, r.coef) : 0, iterations: r.iterations, converged: r.converged };
  }
  const sys = gramOf(design);
  const { x: coef } = choleskySolve(sys.gram, sys.xty, sys.cols, alpha);
  return { coef, intercept: fitIntercept ? interceptFor(design, coef) : 0, iterations: 1, converged: true };
}
