/**
 * `fitLinear`: the single entry point of the linear family. It validates inputs and parameters once,
 * dispatches on the algorithm through a registry, and packages the result as a runtime model state.
 */
import { UsageError } from '../../core/errors.js';
import type { ModelState } from '../../runtime/bundle-types.js';
import type { FeatureMatrix } from '../../runtime/feature-matrix.js';
import { encodeLinearState } from '../../runtime/linear/linear-state.js';
import { fitElasticNet } from './fit-elastic-net.js';
import { fitLeastSquares } from './fit-least-squares.js';
import { fitLogistic } from './fit-logistic.js';
import { LINEAR_DEFAULTS, LINEAR_PARAM_NAMES, parseLinearParams } from './linear-params.js';
import type { LinearAlgo, LinearParams } from './linear-params.js';
import { checkClassLabels, checkLinearFeatures, checkSampleWeight } from './validate-linear-input.js';

/** What to fit. */
export interface LinearFitOptions {
  readonly algo: LinearAlgo;
  readonly task: 'binary' | 'multiclass' | 'regression';
  /** Number of classes for 'multiclass' (default: max label + 1). */
  readonly numClasses?: number;
  readonly params: Partial<LinearParams>;
  /** One non-negative weight per row. */
  readonly sampleWeight?: Float64Array;
  /** Progress: iteration number and objective value (scikit-learn scale). */
  readonly onIteration?: (iteration: number, loss: number) => void;
}

/** A fitted linear model. */
export interface LinearFitResult {
  /** Bundle state (kind 'linear'), scored by `createLinearPredictor`. */
  readonly state: ModelState;
  readonly iterations: number;
  readonly converged: boolean;
  /** Row-major features x outputs. */
  readonly coefficients: Float64Array;
  /** One per output. */
  readonly intercepts: Float64Array;
}

interface RawFit {
  readonly coefficients: Float64Array;
  readonly intercepts: Float64Array;
  readonly outputs: number;
  readonly ovr: boolean;
  readonly iterations: number;
  readonly converged: boolean;
}

type Fitter = (x: FeatureMatrix, y: Float64Array, params: LinearParams, opts: LinearFitOptions) => RawFit;

function single(fit: { coef: Float64Array; intercept: number; iterations: number; converged: boolean }): RawFit {
  return { coefficients: fit.coef, intercepts: Float64Array.of(fit.intercept), outputs: 1, ovr: false, iterations: fit.iterations, converged: fit.converged };
}

function elasticNet(l1Ratio: ((p: LinearParams) => number) | null): Fitter {
  return (x, y, params, opts) =>
    single(
      fitElasticNet(x, y, opts.sampleWeight, {
        alpha: params.alpha,
        l1Ratio: l1Ratio ? l1Ratio(params) : params.l1Ratio,
        fitIntercept: params.fitIntercept,
        maxIter: params.maxIter,
        tol: params.tol,
        ...(opts.onIteration ? { onIteration: opts.onIteration } : {}),
      }),
    );
}

function classCount(y: Float64Array, opts: LinearFitOptions): number {
  if (opts.task === 'binary') return 2;
  if (opts.numClasses !== undefined) {
    if (!Number.isInteger(opts.numClasses) || opts.numClasses < 2) throw new UsageError(`numClasses must be an integer >= 2, got ${opts.numClasses}`, { field: 'numClasses' });
    return opts.numClasses;
  }
  let max = 0;
  for (let i = 0; i < y.length; i++) if (y[i] > max) max = y[i];
  return Number.isInteger(max) ? max + 1 : 2;
}

const FITTERS: Readonly<Record<LinearAlgo, Fitter>> = {
  linear: (x, y, params, opts) => single(fitLeastSquares(x, y, opts.sampleWeight, 0, params.fitIntercept)),
  ridge: (x, y, params, opts) => single(fitLeastSquares(x, y, opts.sampleWeight, params.alpha, params.fitIntercept, { maxIter: params.maxIter, tol: params.tol })),
  lasso: elasticNet(() => 1),
  elasticnet: elasticNet(null),
  logistic: (x, y, params, opts) => {
    const counts = checkClassLabels(y, classCount(y, opts));
    return fitLogistic(x, y, counts, params, opts.sampleWeight, opts.onIteration);
  },
};

/**
 * Drop fields that do not apply to `algo` but sit at their default, so a fully resolved LinearParams
 * (what parseLinearParams returns) can be passed back in; a non-default inapplicable value still fails.
 */
function applicableParams(algo: LinearAlgo, params: Partial<LinearParams>): Record<string, unknown> {
  const allowed: readonly string[] = LINEAR_PARAM_NAMES[algo];
  const defaults = new Map<string, unknown>(Object.entries(LINEAR_DEFAULTS[algo]));
  const out: Record<string, unknown> = {};
  for (const [name, v] of Object.entries(params)) {
    if (allowed.includes(name) || !defaults.has(name) || v !== defaults.get(name)) out[name] = v;
  }
  return out;
}

/** Fit a linear model (OLS, ridge, lasso, elastic net or logistic regression). */
export function fitLinear(x: FeatureMatrix, y: Float64Array, opts: LinearFitOptions): LinearFitResult {
  const params = parseLinearParams(opts.algo, applicableParams(opts.algo, opts.params));
  const classifier = opts.algo === 'logistic';
  if (classifier && opts.task === 'regression') throw new UsageError("logistic regression is a classifier; use task 'binary' or 'multiclass', or algo 'linear' / 'ridge' for regression", { field: 'task' });
  if (!classifier && opts.task !== 'regression') throw new UsageError(`${opts.algo} is a regression algorithm; use algo 'logistic' for task '${opts.task}'`, { field: 'task' });
  checkLinearFeatures(x, y);
  if (opts.sampleWeight) checkSampleWeight(opts.sampleWeight, x.rows);
  const fit = FITTERS[opts.algo](x, y, params, opts);
  const link = opts.task === 'regression' ? 'identity' : fit.outputs === 1 ? 'sigmoid' : 'softmax';
  const state = encodeLinearState({ features: x.cols, outputs: fit.outputs, link, ovr: fit.ovr, coefficients: fit.coefficients, intercepts: fit.intercepts });
  return { state, iterations: fit.iterations, converged: fit.converged, coefficients: fit.coefficients, intercepts: fit.intercepts };
}
