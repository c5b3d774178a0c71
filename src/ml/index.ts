/**
 * kiln/ml: training — preprocessing transformers, GBDT and linear models, optimizers, metrics,
 * splits and cross-validation, the `trainModel` recipe behind `kiln train`, model import/export,
 * explanations (TreeSHAP, KernelSHAP, permutation importance, partial dependence) and bias metrics.
 */
export * from './gbdt/index.js';
export * from './linear/index.js';
export * from './metrics/index.js';
export * from './optim/index.js';
export * from './selection/index.js';
export * from './transformers/index.js';
export { trainModel } from './train/train-model.js';
export type { TrainOptions, TrainResult } from './train/train-model.js';
export { ALGORITHMS, getAlgorithm } from './train/algorithms.js';
export { encodeTarget, sortLabels } from './train/target.js';
export * from './interop/index.js';
export * from './explain/index.js';
export * from './fairness/index.js';
