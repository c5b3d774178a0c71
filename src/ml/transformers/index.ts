/** Training-side preprocessing: pipeline specs, their validation, fitting, and defaults per family. */
export * from './default-pipeline.js';
export * from './fit-pipeline.js';
export * from './fit-tfidf.js';
export * from './pipeline-spec.js';
