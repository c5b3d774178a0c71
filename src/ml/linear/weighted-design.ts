/**
 * The weighted, centered least-squares design shared by OLS, ridge and elastic net: columns
 * sqrt(w_i) * (x_ij - mean_j) and target sqrt(w_i) * (y_i - mean_y) with weighted means. Centering
 * leaves the intercept unpenalized (recovered afterwards as mean_y - mean_x . w), and the Gram matrix
 * of this design is all that closed-form and covariance coordinate-descent solvers need.
 */
import type { FeatureMatrix } from '../../runtime/feature-matrix.js';
import { columnDots } from './column-kernels.js';

/** Gram form of a weighted least-squares problem. */
export interface GramSystem {
  readonly cols: number;
  /** X'WX of the centered design, row-major p x p (symmetric). */
  readonly gram: Float64Array;
  /** X'W y of the centered design. */
  readonly xty: Float64Array;
  /** y'W y of the centered target. */
  readonly yy: number;
  /** Weighted feature means (zeros without intercept). */
  readonly xMean: Float64Array;
  readonly yMean: number;
  /** Sum of the row weights. */
  readonly sumW: number;
}

/** Build the Gram system for `y ~ x` with optional row weights and intercept. */
export function buildGramSystem(x: FeatureMatrix, y: Float64Array, w: Float64Array | undefined, fitIntercept: boolean): GramSystem {
  const n = x.rows;
  const p = x.cols;
  let sumW = 0;
  for (let i = 0; i < n; i++) sumW += w ? w[i] : 1;
  const xMean = new Float64Array(p);
  let yMean = 0;
  if (fitIntercept) {
    for (let i = 0; i < n; i++) yMean += (w ? w[i] : 1) * y[i];
    yMean /= sumW;
    for (let j = 0; j < p; j++) {
      const base = j * n;
      let s = 0;
      if (w) for (let i = 0; i < n; i++) s += w[i] * x.data[base + i];
      else for (let i = 0; i < n; i++) s += x.data[base + i];
      xMean[j] = s / sumW;
    }
  }
  // Materialize the scaled, centered design once: p dot products per column then read it sequentially,
  // and centering before multiplying avoids the cancellation of sum(x^2) - n * mean^2.
  const xs = new Float64Array(n * p);
  const ys = new Float64Array(n);
  const sw = new Float64Array(n);
  for (let i = 0; i < n; i++) sw[i] = w ? Math.sqrt(w[i]) : 1;
  for (let i = 0; i < n; i++) ys[i] = sw[i] * (y[i] - yMean);
  for (let j = 0; j < p; j++) {
    const base = j * n;
    const m = xMean[j];
    for (let i = 0; i < n; i++) xs[base + i] = sw[i] * (x.data[base + i] - m);
  }
  const gram = new Float64Array(p * p);
  const xty = new Float64Array(p);
  columnDots(xs, n, p, ys, xty, 0);
  // Row j of the lower triangle: dots of columns 0..j with column j, four columns per pass.
  for (let j = 0; j < p; j++) {
    columnDots(xs, n, j + 1, xs.subarray(j * n, (j + 1) * n), gram, j * p);
    for (let l = 0; l < j; l++) gram[l * p + j] = gram[j * p + l];
  }
  let yy = 0;
  for (let i = 0; i < n; i++) yy += ys[i] * ys[i];
  return { cols: p, gram, xty, yy, xMean, yMean, sumW };
}

/** Intercept that goes with coefficients `coef` of a centered fit. */
export function interceptFor(sys: GramSystem, coef: Float64Array): number {
  let s = sys.yMean;
  for (let j = 0; j < sys.cols; j++) s -= sys.xMean[j] * coef[j];
  return s;
}
