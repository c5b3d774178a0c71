/**
 * Lasso and elastic net with scikit-learn's objective
 *   1/(2 * sum w) * sum_i w_i (y_i - x_i.b - b0)^2 + alpha * l1Ratio * ||b||_1 + 0.5 * alpha * (1 - l1Ratio) * ||b||^2
 * (scikit-learn rescales sample weights to sum to n, which is the same thing). Multiplying through by
 * sum w gives the unnormalized form the coordinate-descent solvers work in (Gram form up to
 * GRAM_MAX_FEATURES columns, residual form beyond).
 */
import type { FeatureMatrix } from '../../runtime/feature-matrix.js';
import { coordinateDescentGram, coordinateDescentResidual } from './elastic-net-cd.js';
import type { SingleOutputFit } from './fit-least-squares.js';
import { GRAM_MAX_FEATURES, buildWeightedDesign, gramOf, interceptFor } from './weighted-design.js';

/** Settings of an elastic-net fit. */
export interface ElasticNetSettings {
  readonly alpha: number;
  readonly l1Ratio: number;
  readonly fitIntercept: boolean;
  readonly maxIter: number;
  readonly tol: number;
  readonly onIteration?: (iteration: number, loss: number) => void;
  /** Force a solver form (tests); default picks by width. */
  readonly form?: 'gram' | 'residual';
}

/** Fit lasso (l1Ratio = 1) or elastic net by coordinate descent. */
export function fitElasticNet(x: FeatureMatrix, y: Float64Array, w: Float64Array | undefined, s: ElasticNetSettings): SingleOutputFit {
  const design = buildWeightedDesign(x, y, w, s.fitIntercept);
  const scale = design.sumW;
  const onIteration = s.onIteration;
  const form = s.form ?? (x.cols > GRAM_MAX_FEATURES ? 'residual' : 'gram');
  const opts = {
    l1: scale * s.alpha * s.l1Ratio,
    l2: scale * s.alpha * (1 - s.l1Ratio),
    maxIter: s.maxIter,
    tol: s.tol,
    // Report the normalized (scikit-learn scale) objective.
    ...(onIteration ? { onIteration: (it: number, loss: number) => onIteration(it, loss / scale) } : {}),
  };
  const r = form === 'gram' ? coordinateDescentGram(gramOf(design), opts) : coordinateDescentResidual(design, opts);
  return { coef: r.coef, intercept: s.fitIntercept ? interceptFor(design, r.coef) : 0, iterations: r.iterations, converged: r.converged };
}
