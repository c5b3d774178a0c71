/** Histogram gradient-boosted trees: training entry point, parameters and result types. */
export { fitGbdt, trainGbdt } from './fit-gbdt.js';
export type { GbdtFitOptions, GbdtFitResult, GbdtIterationMetrics, GbdtTrainOutput } from './fit-gbdt.js';
export { GBDT_DEFAULTS, parseGbdtParams } from './gbdt-params.js';
export type { GbdtObjective, GbdtParams } from './gbdt-params.js';
export { GbdtProfile } from './gbdt-profile.js';
export type { GbdtPhase } from './gbdt-profile.js';
export { createParallelGbdtScorer } from './parallel-gbdt-scorer.js';
export type { ParallelGbdtScorer } from './parallel-gbdt-scorer.js';
