/**
 * Logistic regression as scikit-learn's LogisticRegression: binary, multinomial (softmax) or
 * one-vs-rest; penalties 'l2' and 'none' by L-BFGS, 'l1' and 'elasticnet' by OWL-QN; intercepts are
 * never penalized; sample weights times class weights weigh each row's loss.
 */
import type { FeatureMatrix } from '../../runtime/feature-matrix.js';
import { minimizeLbfgs } from '../optim/lbfgs.js';
import type { Objective, QuasiNewtonResult } from '../optim/objective.js';
import { minimizeOwlqn } from '../optim/owlqn.js';
import { balancedClassWeights, classWeightVector, rowWeights } from './class-weights.js';
import { binaryLogisticObjective, multinomialLogisticObjective } from './logistic-objective.js';
import type { LinearParams } from './linear-params.js';

/** A fitted logistic model before packaging. */
export interface LogisticFit {
  /** Row-major features x outputs. */
  readonly coefficients: Float64Array;
  readonly intercepts: Float64Array;
  readonly outputs: number;
  readonly ovr: boolean;
  readonly iterations: number;
  readonly converged: boolean;
}

interface Penalty {
  readonly l1: number;
  readonly l2: number;
}

/** Penalty weights in the normalized objective for total row weight `sumW`. */
function penaltyFor(params: LinearParams, sumW: number): Penalty {
  const s = 1 / (params.C * sumW);
  switch (params.penalty) {
    case 'none':
      return { l1: 0, l2: 0 };
    case 'l2':
      return { l1: 0, l2: s };
    case 'l1':
      return { l1: s, l2: 0 };
    case 'elasticnet':
      return { l1: params.l1Ratio * s, l2: (1 - params.l1Ratio) * s };
  }
}

function minimize(objective: Objective, dim: number, stride: number, pen: Penalty, params: LinearParams, sumW: number, onIteration?: (it: number, loss: number) => void): QuasiNewtonResult {
  const x0 = new Float64Array(dim);
  // `tol` keeps scikit-learn's meaning: a bound on the gradient of C * sum(w * loss) + penalty, which
  // is C * S times our normalized gradient. scipy's relative-decrease test (ftol 2.2e-9 at sklearn's
  // default tol) is tied to tol here, so a tight tol really converges.
  const scale = (params.penalty === 'none' ? 1 : params.C) * sumW;
  const opts = { maxIter: params.maxIter, gradTol: params.tol / scale, funcTol: params.tol * 1e-5, ...(onIteration ? { onIteration } : {}) };
  if (pen.l1 === 0) return minimizeLbfgs(objective, x0, opts);
  const l1 = new Float64Array(dim).fill(pen.l1);
  for (let k = stride - 1; k < dim; k += stride) l1[k] = 0; // intercepts
  return minimizeOwlqn(objective, x0, l1, opts);
}

function sum(w: Float64Array): number {
  let s = 0;
  for (let i = 0; i < w.length; i++) s += w[i];
  return s;
}

function fitBinary(x: FeatureMatrix, y: Float64Array, w: Float64Array, params: LinearParams, onIteration?: (it: number, loss: number) => void): QuasiNewtonResult {
  const sumW = sum(w);
  const pen = penaltyFor(params, sumW);
  const objective = binaryLogisticObjective({ x, y, w, l2: pen.l2, fitIntercept: params.fitIntercept });
  return minimize(objective, x.cols + 1, x.cols + 1, pen, params, sumW, onIteration);
}

/** Fit a logistic model; `counts` are the per-class row counts from label validation. */
export function fitLogistic(
  x: FeatureMatrix,
  y: Float64Array,
  counts: Float64Array,
  params: LinearParams,
  sampleWeight: Float64Array | undefined,
  onIteration?: (it: number, loss: number) => void,
): LogisticFit {
  const p = x.cols;
  const k = counts.length;
  if (k === 2) {
    const w = rowWeights(y, classWeightVector(params.classWeight, counts), sampleWeight);
    const r = fitBinary(x, y, w, params, onIteration);
    return { coefficients: r.x.slice(0, p), intercepts: Float64Array.of(r.x[p]), outputs: 1, ovr: false, iterations: r.iterations, converged: r.converged };
  }
  const coefficients = new Float64Array(p * k);
  const intercepts = new Float64Array(k);
  if (params.multiClass === 'ovr') {
    // One binary problem per class. As in scikit-learn, 'balanced' is computed on each binary target.
    const yk = new Float64Array(y.length);
    const binCounts = new Float64Array(2);
    const cw = params.classWeight === 'balanced' ? null : classWeightVector(params.classWeight, counts);
    let iterations = 0;
    let converged = true;
    for (let c = 0; c < k; c++) {
      for (let i = 0; i < y.length; i++) yk[i] = y[i] === c ? 1 : 0;
      binCounts[1] = counts[c];
      binCounts[0] = y.length - counts[c];
      const w = cw ? rowWeights(y, cw, sampleWeight) : rowWeights(yk, balancedClassWeights(binCounts), sampleWeight);
      const r = fitBinary(x, yk, w, params, onIteration);
      for (let j = 0; j < p; j++) coefficients[j * k + c] = r.x[j];
      intercepts[c] = r.x[p];
      iterations = Math.max(iterations, r.iterations);
      converged &&= r.converged;
    }
    return { coefficients, intercepts, outputs: k, ovr: true, iterations, converged };
  }
  const w = rowWeights(y, classWeightVector(params.classWeight, counts), sampleWeight);
  const sumW = sum(w);
  const pen = penaltyFor(params, sumW);
  const objective = multinomialLogisticObjective({ x, y, w, l2: pen.l2, fitIntercept: params.fitIntercept }, k);
  const stride = p + 1;
  const r = minimize(objective, k * stride, stride, pen, params, sumW, onIteration);
  for (let c = 0; c < k; c++) {
    for (let j = 0; j < p; j++) coefficients[j * k + c] = r.x[c * stride + j];
    intercepts[c] = r.x[c * stride + p];
  }
  // Softmax is invariant to adding a constant across classes: report the zero-sum representative
  // (what scikit-learn's solvers converge to), and for the unpenalized fit do the same per feature.
  centerAcrossClasses(intercepts, 0, 1, k);
  if (params.penalty === 'none') for (let j = 0; j < p; j++) centerAcrossClasses(coefficients, j * k, 1, k);
  return { coefficients, intercepts, outputs: k, ovr: false, iterations: r.iterations, converged: r.converged };
}

function centerAcrossClasses(a: Float64Array, start: number, step: number, k: number): void {
  let m = 0;
  for (let c = 0; c < k; c++) m += a[start + c * step];
  m /= k;
  for (let c = 0; c < k; c++) a[start + c * step] -= m;
}
