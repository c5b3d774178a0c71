/** Model selection: train/test splits, k-fold variants with scikit-learn semantics, and cross-validation. */
export * from './cross-validate.js';
export * from './fold.js';
export * from './group-k-fold.js';
export * from './k-fold.js';
export * from './stratified-k-fold.js';
export * from './time-series-split.js';
export * from './train-test-split.js';
