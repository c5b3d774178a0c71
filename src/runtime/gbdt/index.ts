/** GBDT scoring at inference: the predictor factory and the serialized model format. */
export { createGbdtPredictor } from './gbdt-predictor.js';
export { decodeGbdtModelState } from './gbdt-model-state.js';
export type { GbdtModelArrays, GbdtModelState } from './gbdt-model-state.js';
export { compactTrees, SCORE_BLOCK, scoreRows } from './compact-trees.js';
export type { CompactTrees } from './compact-trees.js';
