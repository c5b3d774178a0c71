/** Smooth optimizers shared by training code: L-BFGS (strong-Wolfe line search) and OWL-QN. */
export { minimizeLbfgs } from './lbfgs.js';
export { minimizeOwlqn } from './owlqn.js';
export { strongWolfeLineSearch } from './strong-wolfe-line-search.js';
export type { LineFunction, LinePoint, LineSearchOptions, LineSearchResult } from './strong-wolfe-line-search.js';
export type { Objective, QuasiNewtonOptions, QuasiNewtonResult, StopReason } from './objective.js';
