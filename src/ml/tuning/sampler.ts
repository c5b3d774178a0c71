/**
 * The sampler port and trial records: a sampler proposes the next trial's parameters from the search space
 * and the trials so far. Samplers are deterministic given their seeded Rng.
 */
import type { Rng } from '../../core/rng.js';
import type { ParamValues, SearchSpace } from './search-space.js';

/** Optimization direction. */
export type Direction = 'maximize' | 'minimize';

/** State of a trial. */
export type TrialState = 'running' | 'complete' | 'pruned' | 'failed';

/** What samplers and pruners know of a trial. */
export interface TrialRecord {
  readonly number: number;
  readonly params: ParamValues;
  readonly state: TrialState;
  /** The objective value (complete trials). */
  readonly value: number | null;
  /** Intermediate values by step (e.g. the validation metric per boosting round). */
  readonly intermediate: ReadonlyMap<number, number>;
}

/** Proposes parameters. */
export interface Sampler {
  readonly name: string;
  /** The next trial's parameters, or null when the sampler is exhausted (grid). */
  sample(space: SearchSpace, trials: readonly TrialRecord[], direction: Direction, rng: Rng): ParamValues | null;
}
