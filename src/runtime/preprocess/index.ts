/** Runtime preprocessing: compiled pipelines and the serialized state of every transformer kind. */
export * from './analyze-text.js';
export * from './bool-to-number.js';
export * from './compile-pipeline.js';
export * from './date-parts.js';
export * from './features.js';
export * from './hashing.js';
export * from './impute.js';
export * from './kbins.js';
export * from './log1p.js';
export * from './murmur3.js';
export * from './one-hot.js';
export * from './ordinal.js';
export * from './scale.js';
export * from './sparse-rows.js';
export * from './target-encode.js';
export * from './tfidf.js';
