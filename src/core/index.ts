/** kiln/core: Frame, schema types, errors and the seeded RNG shared by every layer. */
export * from './errors.js';
export * from './frame.js';
export * from './frame-builder.js';
export * from './rng.js';
export * from './schema.js';
