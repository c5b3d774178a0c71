/**
 * Multiclass softmax cross-entropy: K raw scores per row, one tree per class per iteration. Hessians
 * use LightGBM's K/(K-1) factor so a single tree step is not too timid.
 */
import { InputError } from '../../../core/errors.js';
import type { Objective, ObjectiveData } from './objective.js';

/** Softmax-link multiclass loss (y holds class indices 0..K-1). */
export function createMulticlassObjective(data: ObjectiveData): Objective {
  const { y, weight: w, numClasses: K } = data;
  const n = y.length;
  if (!(K >= 2)) throw new InputError(`multiclass objective needs numClasses >= 2; got ${K}`, { field: 'numClasses' });
  const prior = new Float64Array(K);
  for (let i = 0; i < n; i++) {
    const v = y[i];
    if (!Number.isInteger(v) || v < 0 || v >= K) throw new InputError(`multiclass labels must be class indices 0..${K - 1}; row ${i} has ${v}`, { row: i, field: 'y' });
    prior[v] += w ? w[i] : 1;
  }
  let total = 0;
  for (let k = 0; k < K; k++) total += prior[k];
  const prob = new Float64Array(n * K);
  const factor = K / (K - 1);
  return {
    name: 'multiclass',
    outputs: K,
    link: 'softmax',
    defaultMetric: 'mlogloss',
    metrics: ['mlogloss', 'merror'],
    baseScores() {
      const b = new Float64Array(K);
      let mean = 0;
      for (let k = 0; k < K; k++) mean += (b[k] = Math.log(Math.max(prior[k] / total, 1e-15))) / K;
      for (let k = 0; k < K; k++) b[k] -= mean;
      return b;
    },
    prepare(scores) {
      for (let i = 0; i < n; i++) {
        const o = i * K;
        let mx = -Infinity;
        for (let k = 0; k < K; k++) if (scores[o + k] > mx) mx = scores[o + k];
        let s = 0;
        for (let k = 0; k < K; k++) s += prob[o + k] = Math.exp(scores[o + k] - mx);
        for (let k = 0; k < K; k++) prob[o + k] /= s;
      }
    },
    gradients(_scores, k, gh) {
      for (let i = 0; i < n; i++) {
        const p = prob[i * K + k];
        const wi = w ? w[i] : 1;
        gh[2 * i] = (p - (y[i] === k ? 1 : 0)) * wi;
        gh[2 * i + 1] = Math.max(factor * p * (1 - p), 1e-16) * wi;
      }
    },
  };
}
