/**
 * Samplers and pruners by name (registries over switches): what `kiln tune --sampler` and `--pruner`
 * accept. Adding one is one entry here and one file beside it.
 */
import { UsageError } from '../../core/errors.js';
import { createGridSampler } from './grid-sampler.js';
import { createHyperbandPruner, createMedianPruner, createSuccessiveHalvingPruner, noPruner } from './pruner.js';
import type { Pruner } from './pruner.js';
import { randomSampler } from './random-sampler.js';
import type { Sampler } from './sampler.js';
import { createTpeSampler } from './tpe-sampler.js';

/** What a sampler factory receives. */
export interface SamplerContext {
  readonly seed: number;
}

/** What a pruner factory receives: the most steps (boosting rounds) a trial can report. */
export interface PrunerContext {
  readonly maxSteps: number;
}

/** Sampler factories by name. */
export const SAMPLERS: Readonly<Record<string, (ctx: SamplerContext) => Sampler>> = {
  tpe: () => createTpeSampler(),
  random: () => randomSampler,
  grid: (ctx) => createGridSampler(ctx.seed),
};

/**
 * Pruner factories by name. The median pruner waits 5 finished trials (Optuna's default) and 10 boosting
 * rounds, because every GBDT looks alike after one tree and slow learning rates would be pruned for it.
 */
export const PRUNERS: Readonly<Record<string, (ctx: PrunerContext) => Pruner>> = {
  median: () => createMedianPruner({ startupTrials: 5, warmupSteps: 10 }),
  'successive-halving': () => createSuccessiveHalvingPruner({ minResource: 1, reductionFactor: 3 }),
  hyperband: (ctx) => createHyperbandPruner({ minResource: 1, maxResource: Math.max(3, ctx.maxSteps), reductionFactor: 3 }),
  none: () => noPruner,
};

function lookup<T>(kind: string, table: Readonly<Record<string, T>>, name: unknown): T {
  if (typeof name === 'string' && Object.hasOwn(table, name)) return table[name];
  throw new UsageError(`${kind} must be one of ${Object.keys(table).join(', ')} (got ${JSON.stringify(name)})`, { field: kind });
}

/** A sampler by name; UsageError naming `sampler` otherwise. */
export function createSampler(name: unknown, ctx: SamplerContext): Sampler {
  return lookup('sampler', SAMPLERS, name)(ctx);
}

/** A pruner by name; UsageError naming `pruner` otherwise. */
export function createPruner(name: unknown, ctx: PrunerContext): Pruner {
  return lookup('pruner', PRUNERS, name)(ctx);
}
