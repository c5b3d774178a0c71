/**
 * Smooth parts of the logistic-regression objectives, normalized by the total row weight S:
 *   f(beta) = (1/S) * sum_i w_i * logloss_i + 0.5 * l2 * ||coef||^2   (intercepts unpenalized)
 * which, with l2 = 1 / (C * S), has the same minimizer as scikit-learn's C * sum w_i loss_i + 0.5 ||coef||^2
 * but a gradient scale independent of the row count (so `tol` means the same at 1k and 1M rows).
 * Parameters per output: p coefficients then the intercept; outputs are laid out one after another.
 */
import type { FeatureMatrix } from '../../runtime/feature-matrix.js';
import type { Objective } from '../optim/objective.js';
import { addScores, columnDots } from './column-kernels.js';

/** Data and penalty of a logistic problem. */
export interface LogisticProblem {
  readonly x: FeatureMatrix;
  /** Binary: 0/1; multinomial: class index. */
  readonly y: Float64Array;
  /** Row weights (sample x class weights). */
  readonly w: Float64Array;
  /** Coefficient of 0.5 * ||coef||^2 in the normalized objective. */
  readonly l2: number;
  readonly fitIntercept: boolean;
}

function sumOf(w: Float64Array): number {
  let s = 0;
  for (let i = 0; i < w.length; i++) s += w[i];
  return s;
}

/** Binary log-loss objective over p + 1 parameters (coefficients, intercept). */
export function binaryLogisticObjective(prob: LogisticProblem): Objective {
  const { x, y, w, l2, fitIntercept } = prob;
  const n = x.rows;
  const p = x.cols;
  const data = x.data;
  const invS = 1 / sumOf(w);
  const z = new Float64Array(n);
  return (beta, grad) => {
    z.fill(beta[p]);
    addScores(data, n, p, beta, 0, 1, z);
    let loss = 0;
    let gb = 0;
    for (let i = 0; i < n; i++) {
      const zi = z[i];
      const e = Math.exp(-Math.abs(zi));
      // log(1 + exp(z)) computed without overflow; sigmoid from the same exponential.
      const softplus = (zi > 0 ? zi : 0) + Math.log1p(e);
      const prob1 = zi >= 0 ? 1 / (1 + e) : e / (1 + e);
      const wi = w[i];
      loss += wi * (softplus - y[i] * zi);
      const r = wi * (prob1 - y[i]);
      z[i] = r;
      gb += r;
    }
    columnDots(data, n, p, z, grad, 0);
    let pen = 0;
    for (let j = 0; j < p; j++) {
      grad[j] = grad[j] * invS + l2 * beta[j];
      pen += beta[j] * beta[j];
    }
    grad[p] = fitIntercept ? gb * invS : 0;
    return loss * invS + 0.5 * l2 * pen;
  };
}

/** Multinomial (softmax cross-entropy) objective over k * (p + 1) parameters, class after class. */
export function multinomialLogisticObjective(prob: LogisticProblem, k: number): Objective {
  const { x, y, w, l2, fitIntercept } = prob;
  const n = x.rows;
  const p = x.cols;
  const stride = p + 1;
  const data = x.data;
  const invS = 1 / sumOf(w);
  const z = new Float64Array(k * n); // class-major scores, then residuals
  const ex = new Float64Array(k);
  return (beta, grad) => {
    for (let c = 0; c < k; c++) {
      const zc = c * n;
      const zk = z.subarray(zc, zc + n);
      zk.fill(beta[c * stride + p]);
      addScores(data, n, p, beta, c * stride, 1, zk);
    }
    let loss = 0;
    for (let i = 0; i < n; i++) {
      let m = -Infinity;
      for (let c = 0; c < k; c++) if (z[c * n + i] > m) m = z[c * n + i];
      let s = 0;
      for (let c = 0; c < k; c++) {
        const e = Math.exp(z[c * n + i] - m);
        ex[c] = e;
        s += e;
      }
      const label = y[i];
      const wi = w[i];
      loss += wi * (m + Math.log(s) - z[label * n + i]);
      const inv = 1 / s;
      for (let c = 0; c < k; c++) z[c * n + i] = wi * (ex[c] * inv - (c === label ? 1 : 0));
    }
    let pen = 0;
    for (let c = 0; c < k; c++) {
      const zc = c * n;
      columnDots(data, n, p, z.subarray(zc, zc + n), grad, c * stride);
      for (let j = 0; j < p; j++) {
        const b = beta[c * stride + j];
        grad[c * stride + j] = grad[c * stride + j] * invS + l2 * b;
        pen += b * b;
      }
      let gb = 0;
      for (let i = 0; i < n; i++) gb += z[zc + i];
      grad[c * stride + p] = fitIntercept ? gb * invS : 0;
    }
    return loss * invS + 0.5 * l2 * pen;
  };
}
