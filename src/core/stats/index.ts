/** kiln/core stats: distributions and two-sample tests used by validation and monitoring (pure TS). */
export * from './chi-square-distribution.js';
export * from './chi-square-test.js';
export * from './incomplete-gamma.js';
export * from './kolmogorov-distribution.js';
export * from './ks-two-sample.js';
export * from './log-gamma.js';
export * from './population-stability-index.js';
export * from './quantile.js';
export * from './smirnov-distribution.js';
export * from './distribution-distances.js';
export * from './normal-distribution.js';
export * from './radix-sort.js';
export * from './isotonic-regression.js';
