/**
 * Grid search: every combination of the parameters' grid values, visited in a seeded shuffled order (as
 * Optuna's GridSampler); ints step by `step` (1), floats need a `step`, categoricals use their choices.
 * Conditional parameters take their grid only where active. Exhausted grids return null.
 */
import { UsageError } from '../../core/errors.js';
import type { Rng } from '../../core/rng.js';
import type { Sampler, TrialRecord } from './sampler.js';
import type { Choice, ParamSpec, ParamValues, SearchSpace } from './search-space.js';
import { isActive, snapNumeric } from './search-space.js';

const MAX_GRID = 1_000_000;

function gridValues(name: string, spec: ParamSpec): Choice[] {
  if (spec.type === 'categorical') return [...spec.choices];
  if (spec.step === null) throw new UsageError(`grid search needs a "step" for float parameter "${name}"`, { field: `space.${name}` });
  const n = Math.floor((spec.high - spec.low) / spec.step + 1e-9) + 1;
  if (n > MAX_GRID) throw new UsageError(`grid for "${name}" has ${n} values; use a larger step`, { field: `space.${name}` });
  return Array.from({ length: n }, (_, i) => snapNumeric(spec, spec.low + i * spec.step!));
}

/** Every grid point of a space (conditional parameters only where active). */
export function enumerateGrid(space: SearchSpace): ParamValues[] {
  let points: ParamValues[] = [{}];
  for (const name of space.names) {
    const spec = space.params[name];
    const values = gridValues(name, spec);
    const next: ParamValues[] = [];
    for (const p of points) {
      if (!isActive(spec, p)) next.push(p);
      else for (const v of values) next.push({ ...p, [name]: v });
      if (next.length > MAX_GRID) throw new UsageError(`the grid has more than ${MAX_GRID} points; narrow the space or use --sampler tpe`, { field: 'space' });
    }
    points = next;
  }
  return points;
}

function key(p: ParamValues): string {
  return JSON.stringify(Object.keys(p).sort().map((k) => [k, p[k]]));
}

/** A grid sampler: points not yet tried, in a seeded order fixed at the first call. */
export function createGridSampler(seed: number): Sampler {
  let order: ParamValues[] | null = null;
  return {
    name: 'grid',
    sample(space: SearchSpace, trials: readonly TrialRecord[], _direction, _rng: Rng): ParamValues | null {
      if (!order) {
        order = enumerateGrid(space);
        // Seeded Fisher-Yates, independent of the trial Rng so a resumed study visits the same order.
        let s = seed >>> 0 || 1;
        for (let i = order.length - 1; i > 0; i--) {
          s ^= s << 13;
          s ^= s >>> 17;
          s ^= s << 5;
          const j = (s >>> 0) % (i + 1);
          [order[i], order[j]] = [order[j], order[i]];
        }
      }
      const tried = new Set(trials.map((t) => key(t.params)));
      return order.find((p) => !tried.has(key(p))) ?? null;
    },
  };
}
