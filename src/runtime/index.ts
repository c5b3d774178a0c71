/**
 * kiln/runtime: load a model bundle and score it. Browser-, edge- and serverless-safe (no Node
 * built-ins, no native dependencies).
 */
export * from './bundle-types.js';
export * from './bundle.js';
export * from './canonical-json.js';
export * from './encoded-array.js';
export * from './feature-matrix.js';
export * from './model-kinds.js';
export * from './predictor.js';
export * from './scorer.js';
export { compilePipeline } from './preprocess/compile-pipeline.js';
export type { CompiledPipeline } from './preprocess/compile-pipeline.js';
export { Frame } from '../core/frame.js';
export { frameFromRecords, frameToRecords } from '../core/frame-builder.js';
export { KilnError, InputError } from '../core/errors.js';
