/** Runtime side of linear models: the bundle state codec and the predictor factory. */
export { createLinearPredictor } from './linear-predictor.js';
export { LINEAR_STATE_VERSION, decodeLinearState, encodeLinearState } from './linear-state.js';
export type { LinearModel, LinearModelState } from './linear-state.js';
