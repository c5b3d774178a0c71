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
import { drawPrior } from './random-sampler.js';
import type { Direction, Sampler, TrialRecord } from './sampler.js';
import { sampleJoint } from './multivariate-tpe.js';
import type { CategoricalParam, NumericParam, ParamValues, SearchSpace } from './search-space.js';
import { isActive, snapNumeric } from './search-space.js';

/** TPE options (Optuna's defaults). */
export interface TpeOptions {
  readonly startupTrials?: number;
  readonly eiCandidates?: number;
  readonly priorWeight?: number;
  /**
   * Sample the unconditional parameters jointly (one product kernel per trial, Optuna's multivariate TPE,
   * its default for single-objective studies since 4.x); conditional ones stay univariate. Default true.
   */
  readonly multivariate?: boolean;
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

/**
 * erfc(x) for x >= 0 (Numerical Recipes' Chebyshev fit, relative error < 1.2e-7): the truncation masses
 * need only that, and the series of core/stats is the slowest part of an ask at 500 trials.
 */
function erfcPositive(x: number): number {
  const t = 1 / (1 + 0.5 * x);
  const poly = -x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  return t * Math.exp(poly);
}

/** Upper tail of the standard normal, Q(z) = P(Z > z), accurate in relative terms in both tails. */
function normalTail(z: number): number {
  return z >= 0 ? 0.5 * erfcPositive(z / Math.SQRT2) : 1 - 0.5 * erfcPositive(-z / Math.SQRT2);
}

/** P(a < Z < b) for a standard normal Z, without cancellation when both ends sit in the same tail. */
export function normalMass(a: number, b: number): number {
  // Beyond 9 sigma on both sides the mass is 1 to double precision (Q(9) ~ 1e-19).
  if (a < -9 && b > 9) return 1;
  if (a >= 0) return normalTail(a) - normalTail(b);
  if (b <= 0) return normalTail(-b) - normalTail(-a);
  return 1 - normalTail(b) - normalTail(-a);
}

/** A mixture of truncated Gaussians on [low, high]. */
export class NumericParzen {
  private readonly terms: Float64Array;
  /** Per kernel: log weight - log sigma - log sqrt(2 pi) - log(mass inside [low, high]); independent of x. */
  private readonly offsets: Float64Array;
  /** The same without the log weight (a kernel's own log density, for products across parameters). */
  private readonly norms: Float64Array;
  private readonly invSigmas: Float64Array;

  constructor(
    readonly mus: Float64Array,
    readonly sigmas: Float64Array,
    readonly weights: Float64Array,
    readonly low: number,
    readonly high: number,
  ) {
    const k = mus.length;
    this.terms = new Float64Array(k);
    this.offsets = new Float64Array(k);
    this.norms = new Float64Array(k);
    this.invSigmas = new Float64Array(k);
    for (let i = 0; i < k; i++) {
      const s = sigmas[i];
      const mass = normalMass((low - mus[i]) / s, (high - mus[i]) / s);
      this.norms[i] = -LOG_SQRT_2PI - Math.log(s) - Math.log(Math.max(mass, 1e-300));
      this.offsets[i] = Math.log(weights[i]) + this.norms[i];
      this.invSigmas[i] = 1 / s;
    }
  }

  /** Adds each kernel's log density at x (without its weight) to `acc[k]`. */
  addKernelLogPdf(x: number, acc: Float64Array): void {
    const { mus, invSigmas, norms } = this;
    for (let k = 0; k < mus.length; k++) {
      const z = (x - mus[k]) * invSigmas[k];
      acc[k] += norms[k] - 0.5 * z * z;
    }
  }

  /** A draw from kernel k alone, inside [low, high]. */
  sampleKernel(k: number, rng: Rng): number {
    const mu = this.mus[k];
    const sigma = this.sigmas[k];
    for (let tries = 0; tries < 100; tries++) {
      const x = mu + sigma * rng.normal();
      if (x >= this.low && x <= this.high) return x;
    }
    return Math.min(this.high, Math.max(this.low, mu));
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
    const { terms, mus, invSigmas, offsets } = this;
    for (let k = 0; k < mus.length; k++) {
      const z = (x - mus[k]) * invSigmas[k];
      const t = offsets[k] - 0.5 * z * z;
      terms[k] = t;
      if (t > best) best = t;
    }
    // Kernels more than e^40 below the largest add nothing a double can hold: skip their exp.
    let sum = 0;
    for (let k = 0; k < terms.length; k++) {
      const d = terms[k] - best;
      if (d > -40) sum += Math.exp(d);
    }
    return best + Math.log(sum);
  }
}

/** The Parzen mixture of observations (in trial order) on [lo, hi], Optuna's bandwidths, plus a prior kernel. */
export function numericParzen(obs: readonly number[], lo: number, hi: number, priorWeight: number): NumericParzen {
  const n = obs.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => obs[a] - obs[b]);
  const withEnds = new Float64Array(n + 2);
  withEnds[0] = lo;
  for (let r = 0; r < n; r++) withEnds[r + 1] = obs[order[r]];
  withEnds[n + 1] = hi;
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

/** A numeric parameter's sampling scale. */
export interface Transform {
  readonly lo: number;
  readonly hi: number;
  to(x: number): number;
  from(y: number): number;
}

/** The sampling scale of a numeric parameter (log for log parameters; half a step wider each side on grids). */
export function transformOf(spec: NumericParam): Transform {
  const half = spec.step !== null ? spec.step / 2 : 0;
  const lo = spec.low - half;
  const hi = spec.high + half;
  if (spec.log) return { lo: Math.log(Math.max(lo, spec.low / 2)), hi: Math.log(hi), to: Math.log, from: Math.exp };
  return { lo, hi, to: (x) => x, from: (y) => y };
}

/** Order trials best first for the direction; pruned and failed go last (pruned by their last value). */
export function rank(trials: readonly TrialRecord[], direction: Direction): { below: TrialRecord[]; above: TrialRecord[] } {
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
  const multivariate = opts.multivariate ?? true;
  return {
    name: 'tpe',
    sample(space: SearchSpace, trials: readonly TrialRecord[], direction: Direction, rng: Rng): ParamValues {
      const finished = trials.filter((t) => t.state === 'complete' || t.state === 'pruned');
      const { below, above } = rank(finished, direction);
      const joint = multivariate && finished.length >= startup && below.length > 0 ? space.names.filter((n) => space.params[n].when === null) : [];
      const out: ParamValues = joint.length >= 2 ? sampleJoint(space, joint, below, above, candidates, priorWeight, rng) : {};
      for (const name of space.names) {
        const spec = space.params[name];
        if (name in out || !isActive(spec, out)) continue;
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
