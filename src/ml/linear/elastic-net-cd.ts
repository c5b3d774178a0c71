/**
 * Cyclic coordinate descent for the elastic net, minimizing 0.5 * ||y - Xw||^2 + l1 * ||w||_1 +
 * 0.5 * l2 * ||w||^2 on a centered design. Two forms, as in scikit-learn: covariance ("Gram") form
 * (enet_coordinate_descent_gram) needs only X'X, X'y, y'y, so a sweep costs O(p^2) whatever the row
 * count; residual form (enet_coordinate_descent) keeps y - Xw and costs O(n p) a sweep, for wide data.
 * Stopping matches scikit-learn: when the largest coordinate change relative to the largest
 * coefficient drops below tol, compute the duality gap and stop once gap <= tol * y'y.
 */
import { columnDots } from './column-kernels.js';
import type { GramSystem, WeightedDesign } from './weighted-design.js';

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

/**
 * Duality gap of the elastic net (scikit-learn's formula) from r'r, r'y and X'r, plus the primal value.
 */
function gapFrom(rNorm2: number, ry: number, xtr: Float64Array, w: Float64Array, l1: number, l2: number): { gap: number; primal: number } {
  let wNorm2 = 0;
  let wL1 = 0;
  let dualNorm = 0;
  for (let j = 0; j < w.length; j++) {
    wNorm2 += w[j] * w[j];
    wL1 += Math.abs(w[j]);
    const xta = Math.abs(xtr[j] - l2 * w[j]);
    if (xta > dualNorm) dualNorm = xta;
  }
  // Scale the residual into the dual feasible set (scikit-learn's "const"). Without an L1 term the
  // set is unconstrained, and with c = 1 the gap reduces to |w . (l2 w - X'r)|, zero at the optimum.
  const c = l1 > 0 && dualNorm > l1 ? l1 / dualNorm : 1;
  let gap = c < 1 ? 0.5 * (rNorm2 + rNorm2 * c * c) : rNorm2;
  gap += l1 * wL1 - c * ry + 0.5 * l2 * (1 + c * c) * wNorm2;
  if (l1 === 0) gap = Math.abs(gap);
  return { gap, primal: 0.5 * rNorm2 + l1 * wL1 + 0.5 * l2 * wNorm2 };
}

function gramGap(sys: GramSystem, w: Float64Array, q: Float64Array, xtr: Float64Array, l1: number, l2: number): { gap: number; primal: number } {
  let wb = 0;
  let wq = 0;
  for (let j = 0; j < sys.cols; j++) {
    wb += w[j] * sys.xty[j];
    wq += w[j] * q[j];
    xtr[j] = sys.xty[j] - q[j];
  }
  return gapFrom(Math.max(0, sys.yy - 2 * wb + wq), sys.yy - wb, xtr, w, l1, l2);
}

/** Solve the elastic net on a Gram system, starting from zero. */
export function coordinateDescentGram(sys: GramSystem, opts: CoordinateDescentOptions): CoordinateDescentResult {
  const p = sys.cols;
  const g = sys.gram;
  const { l1, l2, maxIter, tol } = opts;
  const w = new Float64Array(p);
  const q = new Float64Array(p); // q = G w, kept current so each coordinate update is O(p)
  const xtr = new Float64Array(p);
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
      const r = gramGap(sys, w, q, xtr, l1, l2);
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

/** Solve the elastic net on the design itself (residual form), starting from zero. */
export function coordinateDescentResidual(d: WeightedDesign, opts: CoordinateDescentOptions): CoordinateDescentResult {
  const { rows: n, cols: p, xs } = d;
  const { l1, l2, maxIter, tol } = opts;
  const w = new Float64Array(p);
  const r = Float64Array.from(d.ys); // residual y - Xw
  const norms = new Float64Array(p);
  const xtr = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    const base = j * n;
    let s = 0;
    for (let i = 0; i < n; i++) s += xs[base + i] * xs[base + i];
    norms[j] = s;
  }
  const tolGap = tol * d.yy;
  let gap = Infinity;
  let iterations = 0;
  let converged = false;
  for (let it = 0; it < maxIter; it++) {
    iterations = it + 1;
    let wMax = 0;
    let dwMax = 0;
    for (let j = 0; j < p; j++) {
      const nj = norms[j];
      if (nj === 0) continue;
      const base = j * n;
      const wj = w[j];
      let rho = 0;
      for (let i = 0; i < n; i++) rho += xs[base + i] * r[i];
      rho += nj * wj;
      const shrunk = Math.abs(rho) - l1;
      const wn = shrunk > 0 ? (Math.sign(rho) * shrunk) / (nj + l2) : 0;
      if (wn !== wj) {
        const delta = wn - wj;
        for (let i = 0; i < n; i++) r[i] -= delta * xs[base + i];
        w[j] = wn;
      }
      const dw = Math.abs(wn - wj);
      if (dw > dwMax) dwMax = dw;
      if (Math.abs(wn) > wMax) wMax = Math.abs(wn);
    }
    const check = wMax === 0 || dwMax / wMax < tol || it === maxIter - 1;
    if (opts.onIteration || check) {
      columnDots(xs, n, p, r, xtr, 0);
      let rr = 0;
      let ry = 0;
      for (let i = 0; i < n; i++) {
        rr += r[i] * r[i];
        ry += r[i] * d.ys[i];
      }
      const res = gapFrom(rr, ry, xtr, w, l1, l2);
      opts.onIteration?.(iterations, res.primal);
      if (check) {
        gap = res.gap;
        if (gap <= tolGap) {
          converged = true;
          break;
        }
      }
    }
  }
  return { coef: w, iterations, converged, gap };
}
