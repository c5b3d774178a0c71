/**
 * Per-iteration evaluation metrics computed from raw scores (row-major `rows x outputs`): logloss/auc
 * (binary), mlogloss/merror (multiclass), rmse/mae (regression), ndcg@k (ranking). Unweighted, so
 * train and validation numbers are comparable.
 */
import { UsageError } from '../../core/errors.js';
import { ndcgGain } from './objectives/lambdarank-objective.js';
import { auc } from './auc-metric.js';
import type { BucketedAuc } from './auc-metric.js';

export { auc } from './auc-metric.js';

/** Labels and query structure a metric is evaluated against. */
export interface MetricTarget {
  readonly y: Float64Array;
  readonly outputs: number;
  readonly queryStart: Int32Array | undefined;
  /** Evaluates 'auc' against this `y` without sorting (same value as `auc`); reused across rounds. */
  readonly auc?: BucketedAuc;
}

const KNOWN = ['logloss', 'auc', 'mlogloss', 'merror', 'rmse', 'mae'];

/** Whether larger values of a metric are better (decides early stopping direction). */
export function metricHigherIsBetter(name: string): boolean {
  return name === 'auc' || name.startsWith('ndcg@');
}

/** Throws UsageError when `name` is not a metric we compute. */
export function checkMetricName(name: string): void {
  if (KNOWN.includes(name) || /^ndcg@[1-9][0-9]*$/.test(name)) return;
  throw new UsageError(`unknown gbdt evalMetric "${name}"`, { field: 'evalMetric' }, `use one of ${KNOWN.join(', ')}, ndcg@k`);
}

/** Evaluate one metric. */
export function evaluateMetric(name: string, scores: Float64Array, t: MetricTarget): number {
  const { y } = t;
  const n = y.length;
  switch (name) {
    case 'logloss': {
      let s = 0;
      for (let i = 0; i < n; i++) {
        const z = scores[i];
        // log(1 + e^-|z|) form is stable for large |z|.
        const l = Math.max(z, 0) - z * y[i] + Math.log1p(Math.exp(-Math.abs(z)));
        s += l;
      }
      return s / n;
    }
    case 'auc':
      return t.auc ? t.auc.value(scores) : auc(scores, y);
    case 'mlogloss':
    case 'merror': {
      const K = t.outputs;
      let s = 0;
      for (let i = 0; i < n; i++) {
        const o = i * K;
        let mx = -Infinity;
        let arg = 0;
        for (let k = 0; k < K; k++) {
          if (scores[o + k] > mx) {
            mx = scores[o + k];
            arg = k;
          }
        }
        if (name === 'merror') {
          if (arg !== y[i]) s++;
          continue;
        }
        let z = 0;
        for (let k = 0; k < K; k++) z += Math.exp(scores[o + k] - mx);
        const p = Math.exp(scores[o + y[i]] - mx) / z;
        s -= Math.log(Math.max(p, 1e-15));
      }
      return s / n;
    }
    case 'rmse':
    case 'mae': {
      let s = 0;
      for (let i = 0; i < n; i++) {
        const d = scores[i] - y[i];
        s += name === 'rmse' ? d * d : Math.abs(d);
      }
      return name === 'rmse' ? Math.sqrt(s / n) : s / n;
    }
    default:
      if (name.startsWith('ndcg@')) return meanNdcg(scores, t, Number(name.slice(5)));
      throw new UsageError(`unknown gbdt metric "${name}"`, { field: 'evalMetric' });
  }
}

/** Mean NDCG@k over queries (queries whose ideal DCG is 0 count as 1, like LightGBM). */
export function meanNdcg(scores: Float64Array, t: MetricTarget, k: number): number {
  const qs = t.queryStart;
  if (!qs) throw new UsageError('ndcg needs query groups (pass groups for the train and valid sets)', { field: 'groups' });
  const y = t.y;
  let total = 0;
  const nq = qs.length - 1;
  for (let q = 0; q < nq; q++) {
    const a = qs[q];
    const m = qs[q + 1] - a;
    const idx = Array.from({ length: m }, (_, i) => a + i);
    idx.sort((u, v) => scores[v] - scores[u] || u - v);
    const ideal = idx.map((r) => y[r]).sort((u, v) => v - u);
    let dcg = 0;
    let idcg = 0;
    for (let i = 0; i < Math.min(k, m); i++) {
      const disc = 1 / Math.log2(2 + i);
      dcg += ndcgGain(y[idx[i]]) * disc;
      idcg += ndcgGain(ideal[i]) * disc;
    }
    total += idcg > 0 ? dcg / idcg : 1;
  }
  return total / nq;
}
