/**
 * Isotonic (non-decreasing) regression by pool-adjacent-violators, as scikit-learn's
 * `IsotonicRegression(out_of_bounds='clip')`: equal x are first merged into their (weighted) mean y, PAV
 * fits the step function, and predictions interpolate linearly between the fitted points and clip
 * outside [min x, max x]. Used to calibrate classifier scores (CBPE).
 */

/** A fitted isotonic function: strictly increasing knots x with non-decreasing values y. */
export interface IsotonicFit {
  readonly x: Float64Array;
  readonly y: Float64Array;
}

/** Fits y ≈ f(x) with f non-decreasing, minimizing squared error; x and y finite, same length, non-empty. */
export function fitIsotonic(x: ArrayLike<number>, y: ArrayLike<number>): IsotonicFit {
  const n = x.length;
  if (n === 0 || y.length !== n) throw new RangeError(`isotonic regression needs equally long non-empty x and y (got ${n} and ${y.length})`);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => x[a] - x[b] || y[a] - y[b]);
  // Merge ties in x into one point with the weighted mean of y.
  const ux: number[] = [];
  const uy: number[] = [];
  const uw: number[] = [];
  for (const i of order) {
    const last = ux.length - 1;
    if (last >= 0 && ux[last] === x[i]) {
      uy[last] += y[i];
      uw[last] += 1;
    } else {
      ux.push(x[i]);
      uy.push(y[i]);
      uw.push(1);
    }
  }
  for (let i = 0; i < uy.length; i++) uy[i] /= uw[i];
  // Pool adjacent violators over blocks (mean, weight, length).
  const m = ux.length;
  const bMean = new Float64Array(m);
  const bWeight = new Float64Array(m);
  const bLen = new Int32Array(m);
  let blocks = 0;
  for (let i = 0; i < m; i++) {
    bMean[blocks] = uy[i];
    bWeight[blocks] = uw[i];
    bLen[blocks] = 1;
    blocks++;
    while (blocks > 1 && bMean[blocks - 2] > bMean[blocks - 1]) {
      const w = bWeight[blocks - 2] + bWeight[blocks - 1];
      bMean[blocks - 2] = (bMean[blocks - 2] * bWeight[blocks - 2] + bMean[blocks - 1] * bWeight[blocks - 1]) / w;
      bWeight[blocks - 2] = w;
      bLen[blocks - 2] += bLen[blocks - 1];
      blocks--;
    }
  }
  const fy = new Float64Array(m);
  let at = 0;
  for (let b = 0; b < blocks; b++) for (let j = 0; j < bLen[b]; j++) fy[at++] = bMean[b];
  return { x: Float64Array.from(ux), y: fy };
}

/** f(t): linear interpolation between knots, clipped to the end values outside them (numpy `interp`). */
export function predictIsotonic(fit: IsotonicFit, t: number): number {
  const { x, y } = fit;
  const m = x.length;
  if (t <= x[0]) return y[0];
  if (t >= x[m - 1]) return y[m - 1];
  let lo = 0;
  let hi = m - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (x[mid] <= t) lo = mid;
    else hi = mid;
  }
  if (x[lo] === t) return y[lo];
  const slope = (y[hi] - y[lo]) / (x[hi] - x[lo]);
  return slope * (t - x[lo]) + y[lo];
}
