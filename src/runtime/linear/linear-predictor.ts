/**
 * Runtime scorer for linear models: raw score = intercept + x . w per output. Column-major batch
 * scoring streams each feature column once; a one-vs-rest model maps scores to log-sigmoids so the
 * softmax link reproduces scikit-learn's normalized OvR probabilities.
 */
import { InputError } from '../../core/errors.js';
import type { ModelState } from '../bundle-types.js';
import type { FeatureMatrix } from '../feature-matrix.js';
import type { Predictor, PredictorFactory } from '../predictor.js';
import { decodeLinearState } from './linear-state.js';
import type { LinearModel } from './linear-state.js';

/** log(sigmoid(z)) without overflow. */
function logSigmoid(z: number): number {
  return z >= 0 ? -Math.log1p(Math.exp(-z)) : z - Math.log1p(Math.exp(z));
}

class LinearPredictor implements Predictor {
  readonly outputs: number;
  readonly link: Predictor['link'];
  readonly features: number;
  private readonly coef: Float64Array;
  private readonly intercepts: Float64Array;
  private readonly ovr: boolean;

  constructor(m: LinearModel) {
    this.outputs = m.outputs;
    this.link = m.link;
    this.features = m.features;
    this.coef = m.coefficients;
    this.intercepts = m.intercepts;
    this.ovr = m.ovr;
  }

  predictRaw(m: FeatureMatrix): Float64Array {
    if (m.cols !== this.features) {
      throw new InputError(`linear model expects ${this.features} features, got ${m.cols}`, { field: 'features' }, 'apply the bundle preprocessing before scoring');
    }
    const n = m.rows;
    const k = this.outputs;
    const out = new Float64Array(n * k);
    const coef = this.coef;
    const data = m.data;
    for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) out[i * k + c] = this.intercepts[c];
    if (k === 1) {
      for (let j = 0; j < this.features; j++) {
        const w = coef[j];
        const base = j * n;
        for (let i = 0; i < n; i++) out[i] += data[base + i] * w;
      }
    } else {
      for (let j = 0; j < this.features; j++) {
        const base = j * n;
        const cbase = j * k;
        for (let i = 0; i < n; i++) {
          const v = data[base + i];
          const o = i * k;
          for (let c = 0; c < k; c++) out[o + c] += v * coef[cbase + c];
        }
      }
    }
    if (this.ovr) for (let i = 0; i < out.length; i++) out[i] = logSigmoid(out[i]);
    return out;
  }

  predictRowRaw(row: Float64Array, out: Float64Array): void {
    const k = this.outputs;
    const coef = this.coef;
    for (let c = 0; c < k; c++) out[c] = this.intercepts[c];
    for (let j = 0; j < this.features; j++) {
      const v = row[j];
      const cbase = j * k;
      for (let c = 0; c < k; c++) out[c] += v * coef[cbase + c];
    }
    if (this.ovr) for (let c = 0; c < k; c++) out[c] = logSigmoid(out[c]);
  }
}

/** Build a predictor from a linear model state (kind 'linear'). */
export const createLinearPredictor: PredictorFactory = (state: ModelState): Predictor => new LinearPredictor(decodeLinearState(state));
