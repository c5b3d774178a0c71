/**
 * Cyclic coordinate descent for the elastic net in covariance ("Gram") form, as scikit-learn's
 * enet_coordinate_descent_gram: it minimizes 0.5 * ||y - Xw||^2 + l1 * ||w||_1 + 0.5 * l2 * ||w||^2 on
 * a centered design given only X'X, X'y and y'y, so each sweep costs O(p^2) whatever the row count.
 * Stopping matches scikit-learn: when the largest coordinate change relative to the largest
 * coefficient drops below tol, compute the duality gap and stop once gap <= tol * y'y.
 */
import type { GramSystem } from './weighted-design.js';

/** Result of a coordinate-descent solve. */
export interface CoordinateDescentResult {
  readonly coef: Float64Array;
  readonly iterations: number;
  readonly converged: boolean;
  /** Duality gap at the last check. */
  readonly gap: number;
}

/** Penalties and stopping for `coordinateDescentGram`. */
export interface CoordinateDescentOptions {
  /** Weight of ||w||_1 (in the unnormalized objective above). */
  readonly l1: number;
  /** Weight of 0.5 * ||w||^2. */
  readonly l2: number;
  readonly maxIter: number;
  readonly tol: number;
  readonly onIteration?: (iteration: number, loss: number) => void;
}

function dualityGap(sys: GramSystem, w: Float64Array, q: Float64Array, l1: number, l2: number): { gap: number; primal: number } {
  const p = sys.cols;
  let wb = 0;
  let wq = 0;
  let wNorm2 = 0;
  let wL1 = 0;
  let dualNorm = 0;
  for (let j = 0; j < p; j++) {
    wb += w[j] * sys.xty[j];
    wq += w[j] * q[j];
    wNorm2 += w[j] * w[j];
    wL1 += Math.abs(w[j]);
    const xta = Math.abs(sys.xty[j] - q[j] - l2 * w[j]);
    if (xta > dualNorm) dualNorm = xta;
  }
  const rNorm2 = Math.max(0, sys.yy - 2 * wb + wq);
  const ry = sys.yy - wb;
  let gap: number;
  let c = 1;
  if (dualNorm > l1) {
    c = l1 / dualNorm;
    gap = 0.5 * (rNorm2 + rNorm2 * c * c);
  } else gap = rNorm2;
  gap += l1 * wL1 - c * ry + 0.5 * l2 * (1 + c * c) * wNorm2;
  return { gap, primal: 0.5 * rNorm2 + l1 * wL1 + 0.5 * l2 * wNorm2 };
}

/** Solve the elastic net on a Gram system, starting from zero. */
export function coordinateDescentGram(sys: GramSystem, opts: CoordinateDescentOptions): CoordinateDescentResult {
  const p = sys.cols;
  const g = sys.gram;
  const { l1, l2, maxIter, tol } = opts;
  const w = new Float64Array(p);
  const q = new Float64Array(p); // q = G w, kept current so each coordinate update is O(p)
  const tolGap = tol * sys.yy;
  let gap = Infinity;
  let iterations = 0;
  let converged = false;
  for (let it = 0; it < maxIter; it++) {
    iterations = it + 1;
    let wMax = 0;
    let dwMax = 0;
    for (let j = 0; j < p; j++) {
      const gjj = g[j * p + j];
      if (gjj === 0) continue; // constant column: its coefficient stays 0
      const wj = w[j];
      const rho = sys.xty[j] - q[j] + gjj * wj;
      const shrunk = Math.abs(rho) - l1;
      const wn = shrunk > 0 ? (Math.sign(rho) * shrunk) / (gjj + l2) : 0;
      if (wn !== wj) {
        const delta = wn - wj;
        const row = j * p;
        for (let l = 0; l < p; l++) q[l] += delta * g[row + l];
        w[j] = wn;
      }
      const dw = Math.abs(wn - wj);
      if (dw > dwMax) dwMax = dw;
      if (Math.abs(wn) > wMax) wMax = Math.abs(wn);
    }
    if (opts.onIteration || wMax === 0 || dwMax / wMax < tol || it === maxIter - 1) {
      const r = dualityGap(sys, w, q, l1, l2);
      opts.onIteration?.(iterations, r.primal);
      if (wMax === 0 || dwMax / wMax < tol || it === maxIter - 1) {
        gap = r.gap;
        if (gap <= tolGap) {
          converged = true;
          break;
        }
      }
    }
  }
  return { coef: w, iterations, converged, gap };
}
