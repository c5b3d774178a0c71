/**
 * Regression losses on identity-link scores: L2 (squared error), L1 (absolute error; leaves refit to
 * the weighted median residual as LightGBM does, since the L1 gradient carries no scale) and Huber
 * (LightGBM's clipped-gradient form, unit hessian).
 */
import { InputError } from '../../../core/errors.js';
import type { GbdtParams } from '../gbdt-params.js';
import type { Objective, ObjectiveData } from './objective.js';

function checkTargets(y: Float64Array, name: string): void {
  for (let i = 0; i < y.length; i++) {
    if (!Number.isFinite(y[i])) throw new InputError(`${name} objective needs finite targets; row ${i} has ${y[i]}`, { row: i, field: 'y' }, 'drop or impute rows with a missing target');
  }
}

function weightedMean(y: Float64Array, w: Float64Array | undefined): number {
  let s = 0;
  let sw = 0;
  for (let i = 0; i < y.length; i++) {
    const wi = w ? w[i] : 1;
    s += wi * y[i];
    sw += wi;
  }
  return s / sw;
}

/** Weighted median of vals[0..n) (reorders `vals` and `ws`). */
function weightedMedian(vals: Float64Array, ws: Float64Array | undefined, n: number, order: Int32Array): number {
  if (n === 0) return 0;
  for (let i = 0; i < n; i++) order[i] = i;
  const o = order.subarray(0, n);
  o.sort((a, b) => vals[a] - vals[b] || a - b);
  let total = 0;
  for (let i = 0; i < n; i++) total += ws ? ws[o[i]] : 1;
  let acc = 0;
  for (let i = 0; i < n; i++) {
    acc += ws ? ws[o[i]] : 1;
    if (acc >= total / 2) {
      // Exact half with unit weights: average the two middle values like a plain median.
      if (acc === total / 2 && i + 1 < n) return (vals[o[i]] + vals[o[i + 1]]) / 2;
      return vals[o[i]];
    }
  }
  return vals[o[n - 1]];
}

/** Squared error. */
export function createL2Objective(data: ObjectiveData): Objective {
  const { y, weight: w } = data;
  checkTargets(y, 'regression');
  const n = y.length;
  return {
    name: 'regression',
    outputs: 1,
    link: 'identity',
    defaultMetric: 'rmse',
    metrics: ['rmse', 'mae'],
    baseScores: () => Float64Array.of(weightedMean(y, w)),
    prepare: () => undefined,
    gradients(scores, k, gh) {
      this.gradientRange?.(scores, k, gh, 0, n);
    },
    gradientRange(scores, _k, gh, from, to) {
      for (let i = from; i < to; i++) {
        const wi = w ? w[i] : 1;
        gh[2 * i] = (scores[i] - y[i]) * wi;
        gh[2 * i + 1] = wi;
      }
    },
  };
}

/** Absolute error with median leaf refit. */
export function createL1Objective(data: ObjectiveData): Objective {
  const { y, weight: w } = data;
  checkTargets(y, 'regression_l1');
  const n = y.length;
  const vals = new Float64Array(n);
  const ws = w ? new Float64Array(n) : undefined;
  const order = new Int32Array(n);
  return {
    name: 'regression_l1',
    outputs: 1,
    link: 'identity',
    defaultMetric: 'mae',
    metrics: ['mae', 'rmse'],
    baseScores() {
      vals.set(y);
      if (ws && w) ws.set(w);
      return Float64Array.of(weightedMedian(vals, ws, n, order));
    },
    prepare: () => undefined,
    gradients(scores, k, gh) {
      this.gradientRange?.(scores, k, gh, 0, n);
    },
    gradientRange(scores, _k, gh, from, to) {
      for (let i = from; i < to; i++) {
        const wi = w ? w[i] : 1;
        const d = scores[i] - y[i];
        gh[2 * i] = (d > 0 ? 1 : d < 0 ? -1 : 0) * wi;
        gh[2 * i + 1] = wi;
      }
    },
    renewLeaf(rows, start, count, scores) {
      for (let i = 0; i < count; i++) {
        const r = rows[start + i];
        vals[i] = y[r] - scores[r];
        if (ws && w) ws[i] = w[r];
      }
      return weightedMedian(vals, ws, count, order);
    },
  };
}

/** Huber loss with threshold `huberDelta`. */
export function createHuberObjective(data: ObjectiveData, params: GbdtParams): Objective {
  const { y, weight: w } = data;
  checkTargets(y, 'huber');
  const n = y.length;
  const delta = params.huberDelta;
  return {
    name: 'huber',
    outputs: 1,
    link: 'identity',
    defaultMetric: 'rmse',
    metrics: ['rmse', 'mae'],
    baseScores: () => Float64Array.of(weightedMean(y, w)),
    prepare: () => undefined,
    gradients(scores, k, gh) {
      this.gradientRange?.(scores, k, gh, 0, n);
    },
    gradientRange(scores, _k, gh, from, to) {
      for (let i = from; i < to; i++) {
        const wi = w ? w[i] : 1;
        const d = scores[i] - y[i];
        gh[2 * i] = (d > delta ? delta : d < -delta ? -delta : d) * wi;
        gh[2 * i + 1] = wi;
      }
    },
  };
}
