/**
 * Multivariate TPE (Falkner et al. 2018's product kernels, as Optuna samples by default): each trial is
 * one kernel over all the jointly sampled parameters at once — the product of its per-parameter truncated
 * Gaussians (on the log scale for log parameters) or categorical kernels, with the per-parameter
 * bandwidths of univariate TPE. Candidates are drawn kernel-first from the "below" mixture and the one with
 * the best log l(x) - log g(x) over the joint density wins, so parameters that work together are proposed
 * together.
 */
import type { Rng } from '../../core/rng.js';
import type { TrialRecord } from './sampler.js';
import type { CategoricalParam, ParamValues, SearchSpace } from './search-space.js';
import { snapNumeric } from './search-space.js';
import { numericParzen, tpeWeights, transformOf } from './tpe-sampler.js';
import type { NumericParzen, Transform } from './tpe-sampler.js';

/** One categorical parameter's kernels: per observation, its prior share plus 1 on the observed choice. */
class CategoricalKernels {
  /** Row-major kernels x choices log probabilities (last row: the uniform prior). */
  private readonly logProbs: Float64Array;
  private readonly probs: Float64Array;

  constructor(
    obs: readonly number[],
    readonly nChoices: number,
    priorWeight: number,
  ) {
    const k = obs.length + 1;
    this.probs = new Float64Array(k * nChoices);
    for (let i = 0; i < obs.length; i++) {
      for (let c = 0; c < nChoices; c++) this.probs[i * nChoices + c] = (priorWeight / nChoices + (c === obs[i] ? 1 : 0)) / (priorWeight + 1);
    }
    for (let c = 0; c < nChoices; c++) this.probs[obs.length * nChoices + c] = 1 / nChoices;
    this.logProbs = this.probs.map(Math.log);
  }

  addKernelLogPdf(x: number, acc: Float64Array): void {
    for (let k = 0; k < acc.length; k++) acc[k] += this.logProbs[k * this.nChoices + x];
  }

  sampleKernel(k: number, rng: Rng): number {
    let u = rng.next();
    for (let c = 0; c < this.nChoices - 1; c++) {
      u -= this.probs[k * this.nChoices + c];
      if (u < 0) return c;
    }
    return this.nChoices - 1;
  }
}

type Dimension = { kind: 'numeric'; parzen: NumericParzen; transform: Transform } | { kind: 'categorical'; kernels: CategoricalKernels; spec: CategoricalParam };

interface JointMixture {
  readonly dims: Dimension[];
  readonly logWeights: Float64Array;
  readonly weights: Float64Array;
}

function mixture(space: SearchSpace, names: readonly string[], trials: readonly TrialRecord[], priorWeight: number): JointMixture {
  const n = trials.length;
  const w = tpeWeights(n);
  let total = priorWeight;
  for (let i = 0; i < n; i++) total += w[i];
  const weights = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) weights[i] = w[i] / total;
  weights[n] = priorWeight / total;
  const dims: Dimension[] = names.map((name) => {
    const spec = space.params[name];
    if (spec.type === 'categorical') return { kind: 'categorical', spec, kernels: new CategoricalKernels(trials.map((t) => spec.choices.indexOf(t.params[name])), spec.choices.length, priorWeight) };
    const transform = transformOf(spec);
    // The kernels' own weights are not used: the joint weights above multiply the product.
    return { kind: 'numeric', transform, parzen: numericParzen(trials.map((t) => transform.to(t.params[name] as number)), transform.lo, transform.hi, priorWeight) };
  });
  return { dims, weights, logWeights: weights.map(Math.log) };
}

function logPdf(m: JointMixture, x: Float64Array, acc: Float64Array): number {
  acc.set(m.logWeights);
  for (let d = 0; d < m.dims.length; d++) {
    const dim = m.dims[d];
    if (dim.kind === 'numeric') dim.parzen.addKernelLogPdf(x[d], acc);
    else dim.kernels.addKernelLogPdf(x[d], acc);
  }
  let best = -Infinity;
  for (let k = 0; k < acc.length; k++) if (acc[k] > best) best = acc[k];
  let sum = 0;
  for (let k = 0; k < acc.length; k++) {
    const v = acc[k] - best;
    if (v > -40) sum += Math.exp(v);
  }
  return best + Math.log(sum);
}

/** Joint values of `names` (unconditional parameters, present in every trial) from below/above trials. */
export function sampleJoint(space: SearchSpace, names: readonly string[], below: readonly TrialRecord[], above: readonly TrialRecord[], candidates: number, priorWeight: number, rng: Rng): ParamValues {
  const l = mixture(space, names, below, priorWeight);
  const g = mixture(space, names, above, priorWeight);
  const accL = new Float64Array(l.weights.length);
  const accG = new Float64Array(g.weights.length);
  const x = new Float64Array(names.length);
  const bestX = new Float64Array(names.length);
  let bestScore = -Infinity;
  for (let c = 0; c < candidates; c++) {
    let u = rng.next();
    let k = 0;
    for (; k < l.weights.length - 1; k++) {
      u -= l.weights[k];
      if (u < 0) break;
    }
    for (let d = 0; d < names.length; d++) {
      const dim = l.dims[d];
      x[d] = dim.kind === 'numeric' ? dim.parzen.sampleKernel(k, rng) : dim.kernels.sampleKernel(k, rng);
    }
    const score = logPdf(l, x, accL) - logPdf(g, x, accG);
    if (score > bestScore) {
      bestScore = score;
      bestX.set(x);
    }
  }
  const out: ParamValues = {};
  names.forEach((name, d) => {
    const dim = l.dims[d];
    const spec = space.params[name];
    if (dim.kind === 'categorical') out[name] = dim.spec.choices[bestX[d]];
    else if (spec.type !== 'categorical') out[name] = snapNumeric(spec, dim.transform.from(bestX[d]));
  });
  return out;
}
