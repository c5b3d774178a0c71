/**
 * Tree-structured Parzen Estimator (Bergstra et al. 2011) with Optuna's defaults (univariate): the first
 * `startupTrials` (10) are random; afterwards the finished trials are split into the best gamma(n) =
 * min(ceil(0.1 n), 25) ("below") and the rest ("above"); per parameter, a Parzen mixture is fitted to each
 * group (one truncated Gaussian per observation plus a prior spanning the range; bandwidths from neighbour
 * distances, clipped as Optuna's "magic clip"; older trials down-weighted past 25), `eiCandidates` (24)
 * points are drawn from the "below" mixture, and the one with the highest log l(x) - log g(x) wins.
 * Categoricals use smoothed per-observation category weights. Pruned trials count as "above".
 */
import type { Rng } from '../../core/rng.js';
import { normalCdf } from '../../core/stats/normal-distribution.js';
import { drawPrior } from './random-sampler.js';
import type { Direction, Sampler, TrialRecord } from './sampler.js';
import type { CategoricalParam, NumericParam, ParamValues, SearchSpace } from './search-space.js';
import { isActive, snapNumeric } from './search-space.js';

/** TPE options (Optuna's defaults). */
export interface TpeOptions {
  readonly startupTrials?: number;
  readonly eiCandidates?: number;
  readonly priorWeight?: number;
}

/** Optuna's default gamma: the number of "below" trials out of n. */
export function tpeGamma(n: number): number {
  return Math.min(Math.ceil(0.1 * n), 25);
}

/** Optuna's default weights: flat for the last 25 observations, a linear ramp for older ones. */
export function tpeWeights(n: number): Float64Array {
  const w = new Float64Array(n);
  if (n < 25) return w.fill(1);
  const ramp = n - 25;
  for (let i = 0; i < ramp; i++) w[i] = ramp === 1 ? 1 / n : 1 / n + ((1 - 1 / n) * i) / (ramp - 1);
  for (let i = ramp; i < n; i++) w[i] = 1;
  return w;
}

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** A mixture of truncated Gaussians on [low, high]. */
class NumericParzen {
  private readonly terms: Float64Array;

  constructor(
    readonly mus: Float64Array,
    readonly sigmas: Float64Array,
    readonly weights: Float64Array,
    readonly low: number,
    readonly high: number,
  ) {
    this.terms = new Float64Array(mus.length);
  }

  sample(rng: Rng): number {
    let u = rng.next();
    let k = 0;
    for (; k < this.weights.length - 1; k++) {
      u -= this.weights[k];
      if (u < 0) break;
    }
    const mu = this.mus[k];
    const sigma = this.sigmas[k];
    // Rejection sampling inside [low, high]; a kernel whose mass there is tiny falls back to its centre.
    for (let tries = 0; tries < 100; tries++) {
      const x = mu + sigma * rng.normal();
      if (x >= this.low && x <= this.high) return x;
    }
    return Math.min(this.high, Math.max(this.low, mu));
  }

  logPdf(x: number): number {
    let best = -Infinity;
    const terms = this.terms;
    for (let k = 0; k < this.mus.length; k++) {
      const mu = this.mus[k];
      const s = this.sigmas[k];
      const z = (x - mu) / s;
      const mass = normalCdf((this.high - mu) / s) - normalCdf((this.low - mu) / s);
      const t = Math.log(this.weights[k]) - 0.5 * z * z - LOG_SQRT_2PI - Math.log(s) - Math.log(Math.max(mass, 1e-300));
      terms[k] = t;
      if (t > best) best = t;
    }
    let sum = 0;
    for (let k = 0; k < terms.length; k++) sum += Math.exp(terms[k] - best);
    return best + Math.log(sum);
  }
}

function numericParzen(obs: readonly number[], lo: number, hi: number, priorWeight: number): NumericParzen {
  const n = obs.length;
  const order = obs.map((_, i) => i).sort((a, b) => obs[a] - obs[b]);
  const sorted = order.map((i) => obs[i]);
  const withEnds = [lo, ...sorted, hi];
  const sortedSigmas = new Float64Array(n);
  for (let i = 0; i < n; i++) sortedSigmas[i] = Math.max(withEnds[i + 1] - withEnds[i], withEnds[i + 2] - withEnds[i + 1]);
  if (n >= 2) {
    // consider_endpoints = False: the outermost kernels look only inward.
    sortedSigmas[0] = withEnds[2] - withEnds[1];
    sortedSigmas[n - 1] = withEnds[n] - withEnds[n - 1];
  }
  const range = hi - lo;
  const minSigma = range / Math.min(100, 1 + (n + 1));
  const mus = new Float64Array(n + 1);
  const sigmas = new Float64Array(n + 1);
  for (let r = 0; r < n; r++) {
    const i = order[r];
    mus[i] = obs[i];
    sigmas[i] = Math.min(range, Math.max(minSigma, sortedSigmas[r]));
  }
  mus[n] = lo + range / 2;
  sigmas[n] = range;
  const w = tpeWeights(n);
  const weights = new Float64Array(n + 1);
  let total = priorWeight;
  for (let i = 0; i < n; i++) total += w[i];
  for (let i = 0; i < n; i++) weights[i] = w[i] / total;
  weights[n] = priorWeight / total;
  return new NumericParzen(mus, sigmas, weights, lo, hi);
}

function categoricalProbs(obs: readonly number[], nChoices: number, priorWeight: number): Float64Array {
  const n = obs.length;
  const w = tpeWeights(n);
  const probs = new Float64Array(nChoices);
  let total = priorWeight;
  for (let i = 0; i < n; i++) total += w[i];
  // Each observation's kernel: prior mass spread over the choices plus 1 on the observed one, normalized.
  for (let i = 0; i < n; i++) {
    const rowTotal = priorWeight + 1;
    for (let c = 0; c < nChoices; c++) probs[c] += (w[i] / total) * ((priorWeight / nChoices + (c === obs[i] ? 1 : 0)) / rowTotal);
  }
  for (let c = 0; c < nChoices; c++) probs[c] += priorWeight / total / nChoices;
  return probs;
}

interface Transform {
  readonly lo: number;
  readonly hi: number;
  to(x: number): number;
  from(y: number): number;
}

function transformOf(spec: NumericParam): Transform {
  const half = spec.step !== null ? spec.step / 2 : 0;
  const lo = spec.low - half;
  const hi = spec.high + half;
  if (spec.log) return { lo: Math.log(Math.max(lo, spec.low / 2)), hi: Math.log(hi), to: Math.log, from: Math.exp };
  return { lo, hi, to: (x) => x, from: (y) => y };
}

/** Order trials best first for the direction; pruned and failed go last (pruned by their last value). */
function rank(trials: readonly TrialRecord[], direction: Direction): { below: TrialRecord[]; above: TrialRecord[] } {
  const complete = trials.filter((t) => t.state === 'complete' && t.value !== null && Number.isFinite(t.value));
  const pruned = trials.filter((t) => t.state === 'pruned');
  const sign = direction === 'maximize' ? -1 : 1;
  // Stable by trial number for determinism.
  complete.sort((a, b) => sign * ((a.value as number) - (b.value as number)) || a.number - b.number);
  const nBelow = tpeGamma(complete.length + pruned.length);
  const below = complete.slice(0, Math.min(nBelow, complete.length));
  const above = [...complete.slice(below.length), ...pruned];
  below.sort((a, b) => a.number - b.number);
  above.sort((a, b) => a.number - b.number);
  return { below, above };
}

/** A TPE sampler. */
export function createTpeSampler(opts: TpeOptions = {}): Sampler {
  const startup = opts.startupTrials ?? 10;
  const candidates = opts.eiCandidates ?? 24;
  const priorWeight = opts.priorWeight ?? 1;
  return {
    name: 'tpe',
    sample(space: SearchSpace, trials: readonly TrialRecord[], direction: Direction, rng: Rng): ParamValues {
      const finished = trials.filter((t) => t.state === 'complete' || t.state === 'pruned');
      const out: ParamValues = {};
      const { below, above } = rank(finished, direction);
      for (const name of space.names) {
        const spec = space.params[name];
        if (!isActive(spec, out)) continue;
        const b = below.filter((t) => t.params[name] !== undefined);
        const a = above.filter((t) => t.params[name] !== undefined);
        if (finished.length < startup || b.length === 0) {
          out[name] = drawPrior(spec, rng);
          continue;
        }
        out[name] = spec.type === 'categorical' ? sampleCategorical(spec, b, a, name, candidates, priorWeight, rng) : sampleNumeric(spec, b, a, name, candidates, priorWeight, rng);
      }
      return out;
    },
  };
}

function sampleNumeric(spec: NumericParam, below: TrialRecord[], above: TrialRecord[], name: string, candidates: number, priorWeight: number, rng: Rng): number {
  const t = transformOf(spec);
  const l = numericParzen(below.map((tr) => t.to(tr.params[name] as number)), t.lo, t.hi, priorWeight);
  const g = numericParzen(above.map((tr) => t.to(tr.params[name] as number)), t.lo, t.hi, priorWeight);
  let best = 0;
  let bestScore = -Infinity;
  for (let k = 0; k < candidates; k++) {
    const y = l.sample(rng);
    const score = l.logPdf(y) - g.logPdf(y);
    if (score > bestScore) {
      bestScore = score;
      best = y;
    }
  }
  return snapNumeric(spec, t.from(best));
}

function sampleCategorical(spec: CategoricalParam, below: TrialRecord[], above: TrialRecord[], name: string, candidates: number, priorWeight: number, rng: Rng): ParamValues[string] {
  const idx = (tr: TrialRecord): number => spec.choices.indexOf(tr.params[name]);
  const l = categoricalProbs(below.map(idx).filter((i) => i >= 0), spec.choices.length, priorWeight);
  const g = categoricalProbs(above.map(idx).filter((i) => i >= 0), spec.choices.length, priorWeight);
  let best = 0;
  let bestScore = -Infinity;
  for (let k = 0; k < candidates; k++) {
    let u = rng.next();
    let c = 0;
    for (; c < l.length - 1; c++) {
      u -= l[c];
      if (u < 0) break;
    }
    const score = Math.log(l[c]) - Math.log(g[c]);
    if (score > bestScore) {
      bestScore = score;
      best = c;
    }
  }
  return spec.choices[best];
}
