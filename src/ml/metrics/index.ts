/** Metrics: scikit-learn-compatible classification, regression and ranking metrics, curves and the registry by name. */
export * from './accuracy.js';
export * from './argsort-descending.js';
export * from './binary-curve.js';
export * from './calibration-curve.js';
export * from './confusion-matrix.js';
export * from './evaluate.js';
export * from './metric-input-checks.js';
export * from './metric-registry.js';
export * from './ndcg.js';
export * from './precision-recall-curve.js';
export * from './precision-recall-f1.js';
export * from './probability-losses.js';
export * from './query-groups.js';
export * from './ranking-metrics.js';
export * from './regression-metrics.js';
export * from './roc.js';
