/** The linear model family: OLS, ridge, lasso, elastic net and logistic regression. */
export { fitLinear } from './fit-linear.js';
export type { LinearFitOptions, LinearFitResult } from './fit-linear.js';
export { LINEAR_DEFAULTS, LINEAR_PARAM_NAMES, isLinearAlgo, parseLinearParams } from './linear-params.js';
export type { ClassWeight, LinearAlgo, LinearParams, LogisticPenalty } from './linear-params.js';
