/**
 * The weighted, centered least-squares design shared by OLS, ridge and elastic net: columns
 * sqrt(w_i) * (x_ij - mean_j) and target sqrt(w_i) * (y_i - mean_y) with weighted means. Centering
 * leaves the intercept unpenalized (recovered afterwards as mean_y - mean_x . w). Narrow problems are
 * solved from the Gram matrix of this design; wide ones (see `GRAM_MAX_FEATURES`) from the design itself.
 */
import type { FeatureMatrix } from '../../runtime/feature-matrix.js';
import { columnDots } from './column-kernels.js';

/**
 * Above this many features the p x p Gram matrix (8 p^2 bytes, n p^2 / 2 to build) costs more than it
 * saves, so solvers switch to residual-form coordinate descent.
 */
export const GRAM_MAX_FEATURES = 1024;

/** A centered, sqrt-weighted least-squares design. */
export interface WeightedDesign {
  readonly rows: number;
  readonly cols: number;
  /** Column-major sqrt(w) * (x - mean). */
  readonly xs: Float64Array;
  /** sqrt(w) * (y - mean_y). */
  readonly ys: Float64Array;
  /** Weighted feature means (zeros without intercept). */
  readonly xMean: Float64Array;
  readonly yMean: number;
  /** Sum of the row weights. */
  readonly sumW: number;
  /** y'W y of the centered target. */
  readonly yy: number;
}

/** Gram form of a weighted least-squares problem. */
export interface GramSystem {
  readonly cols: number;
  /** X'WX of the centered design, row-major p x p (symmetric). */
  readonly gram: Float64Array;
  /** X'W y of the centered design. */
  readonly xty: Float64Array;
  /** y'W y of the centered target. */
  readonly yy: number;
}

/** Build the centered, weighted design for `y ~ x` (optional row weights and intercept). */
export function buildWeightedDesign(x: FeatureMatrix, y: Float64Array, w: Float64Array | undefined, fitIntercept: boolean): WeightedDesign {
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
  // Center before multiplying: avoids the cancellation of sum(x^2) - n * mean^2 on offset data.
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
  let yy = 0;
  for (let i = 0; i < n; i++) yy += ys[i] * ys[i];
  return { rows: n, cols: p, xs, ys, xMean, yMean, sumW, yy };
}

/** X'X, X'y and y'y of a design. */
export function gramOf(d: WeightedDesign): GramSystem {
  const { rows: n, cols: p, xs } = d;
  const gram = new Float64Array(p * p);
  const xty = new Float64Array(p);
  columnDots(xs, n, p, d.ys, xty, 0);
  // Row j of the lower triangle: dots of columns 0..j with column j, four columns per pass.
  for (let j = 0; j < p; j++) {
    columnDots(xs, n, j + 1, xs.subarray(j * n, (j + 1) * n), gram, j * p);
    for (let l = 0; l < j; l++) gram[l * p + j] = gram[j * p + l];
  }
  return { cols: p, gram, xty, yy: d.yy };
}

/** Intercept that goes with coefficients `coef` of a centered fit. */
export function interceptFor(d: WeightedDesign, coef: Float64Array): number {
  let s = d.yMean;
  for (let j = 0; j < d.cols; j++) s -= d.xMean[j] * coef[j];
  return s;
}
