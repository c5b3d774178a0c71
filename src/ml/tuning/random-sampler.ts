/** Random search: each parameter drawn independently (log-uniform on log scales), conditions respected. */
import type { Rng } from '../../core/rng.js';
import type { Sampler } from './sampler.js';
import type { NumericParam, ParamSpec, ParamValues, SearchSpace } from './search-space.js';
import { isActive, snapNumeric } from './search-space.js';

/** Draw one value from a distribution. */
export function drawPrior(spec: ParamSpec, rng: Rng): ParamValues[string] {
  if (spec.type === 'categorical') return spec.choices[rng.int(spec.choices.length)];
  return snapNumeric(spec, drawNumeric(spec, rng));
}

function drawNumeric(spec: NumericParam, rng: Rng): number {
  if (spec.type === 'int' && !spec.log) {
    const step = spec.step ?? 1;
    const n = Math.floor((spec.high - spec.low) / step) + 1;
    return spec.low + rng.int(n) * step;
  }
  if (spec.log) {
    // Ints widen by half a unit each side so the end values are as likely as the others (low >= 1 here).
    const half = spec.type === 'int' ? 0.5 : 0;
    const lo = Math.log(spec.low - half);
    const hi = Math.log(spec.high + half);
    return Math.exp(lo + rng.next() * (hi - lo));
  }
  return spec.low + rng.next() * (spec.high - spec.low);
}

/** The random sampler. */
export const randomSampler: Sampler = {
  name: 'random',
  sample(space: SearchSpace, _trials, _direction, rng: Rng): ParamValues {
    const out: ParamValues = {};
    for (const name of space.names) {
      const spec = space.params[name];
      if (isActive(spec, out)) out[name] = drawPrior(spec, rng);
    }
    return out;
  },
};
