/**
 * Per-row weights for classifiers: user sample weights times class weights. 'balanced' follows
 * scikit-learn's compute_class_weight: n / (k * count_c), counted on rows (ignoring sample weights).
 */
import { UsageError } from '../../core/errors.js';
import type { ClassWeight } from './linear-params.js';

/** scikit-learn's 'balanced' weights n / (k * count) for the classes present (absent classes get 0). */
export function balancedClassWeights(counts: Float64Array): Float64Array {
  let n = 0;
  let present = 0;
  for (let c = 0; c < counts.length; c++) {
    n += counts[c];
    if (counts[c] > 0) present++;
  }
  const out = new Float64Array(counts.length);
  for (let c = 0; c < counts.length; c++) out[c] = counts[c] > 0 ? n / (present * counts[c]) : 0;
  return out;
}

/** Weight of each class index under a class-weight spec (null = all 1). */
export function classWeightVector(spec: ClassWeight | null, counts: Float64Array): Float64Array {
  if (spec === null) return new Float64Array(counts.length).fill(1);
  if (spec === 'balanced') return balancedClassWeights(counts);
  const out = new Float64Array(counts.length).fill(1);
  for (const [k, w] of Object.entries(spec)) {
    const c = Number(k);
    if (c >= counts.length) throw new UsageError(`classWeight names class ${c}, but the target has only ${counts.length} classes (0..${counts.length - 1})`, { field: 'classWeight' });
    out[c] = w;
  }
  return out;
}

/** Row weights = sampleWeight (or 1) x class weight of the row's label. */
export function rowWeights(y: Float64Array, classWeights: Float64Array, sampleWeight: Float64Array | undefined): Float64Array {
  const out = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) out[i] = (sampleWeight ? sampleWeight[i] : 1) * classWeights[y[i]];
  return out;
}
