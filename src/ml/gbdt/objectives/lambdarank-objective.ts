/**
 * LambdaRank with NDCG (LightGBM's formulation): for every pair of rows of a query with different
 * relevance, where at least one is within the top `ndcgAt` by current score, the pairwise logistic
 * gradient is scaled by the |delta NDCG| of swapping them; per-query lambdas are normalized by
 * log2(1 + sum) / sum. Gains are 2^label - 1, discounts 1 / log2(2 + rank).
 */
import { InputError } from '../../../core/errors.js';
import type { GbdtParams } from '../gbdt-params.js';
import type { Objective, ObjectiveData } from './objective.js';

/** DCG gain of a relevance label. */
export function ndcgGain(label: number): number {
  return Math.pow(2, label) - 1;
}

/** Pairwise LambdaRank objective. */
export function createLambdarankObjective(data: ObjectiveData, params: GbdtParams): Objective {
  const { y, weight: w, queryStart } = data;
  if (!queryStart) throw new InputError('lambdarank needs query groups: pass `groups` with the query id of every row (rows of a query contiguous)', { field: 'groups' });
  for (let i = 0; i < y.length; i++) {
    if (!Number.isInteger(y[i]) || y[i] < 0 || y[i] > 30) throw new InputError(`lambdarank labels must be integer relevance grades 0..30; row ${i} has ${y[i]}`, { row: i, field: 'y' });
  }
  const nq = queryStart.length - 1;
  let maxQ = 0;
  for (let q = 0; q < nq; q++) maxQ = Math.max(maxQ, queryStart[q + 1] - queryStart[q]);
  const order = new Int32Array(maxQ);
  const sortedLabels = new Float64Array(maxQ);
  const trunc = params.ndcgAt;
  const sigma = 1;
  const invMax = new Float64Array(nq);
  for (let q = 0; q < nq; q++) {
    const a = queryStart[q];
    const m = queryStart[q + 1] - a;
    for (let i = 0; i < m; i++) sortedLabels[i] = y[a + i];
    const s = sortedLabels.subarray(0, m).sort().reverse();
    let dcg = 0;
    for (let i = 0; i < Math.min(m, trunc); i++) dcg += ndcgGain(s[i]) / Math.log2(2 + i);
    invMax[q] = dcg > 0 ? 1 / dcg : 0;
  }
  return {
    name: 'lambdarank',
    outputs: 1,
    link: 'identity',
    defaultMetric: `ndcg@${trunc}`,
    metrics: [`ndcg@${trunc}`],
    baseScores: () => Float64Array.of(0),
    prepare: () => undefined,
    gradients(scores, _k, gh) {
      gh.fill(0);
      for (let q = 0; q < nq; q++) {
        const a = queryStart[q];
        const m = queryStart[q + 1] - a;
        if (invMax[q] === 0) continue;
        const o = order.subarray(0, m);
        for (let i = 0; i < m; i++) o[i] = a + i;
        o.sort((u, v) => scores[v] - scores[u] || u - v);
        let sumLambda = 0;
        const top = Math.min(m, trunc);
        for (let i = 0; i < top; i++) {
          const ri = o[i];
          for (let j = i + 1; j < m; j++) {
            const rj = o[j];
            if (y[ri] === y[rj]) continue;
            const hi = y[ri] > y[rj] ? ri : rj;
            const lo = hi === ri ? rj : ri;
            const rankHi = hi === ri ? i : j;
            const rankLo = hi === ri ? j : i;
            const ds = scores[hi] - scores[lo];
            const gap = (ndcgGain(y[hi]) - ndcgGain(y[lo])) * Math.abs(1 / Math.log2(2 + rankHi) - 1 / Math.log2(2 + rankLo));
            let dndcg = gap * invMax[q];
            dndcg /= 0.01 + Math.abs(ds);
            const pl = 1 / (1 + Math.exp(sigma * ds));
            const lam = -sigma * pl * dndcg;
            const hes = sigma * sigma * pl * (1 - pl) * dndcg;
            gh[2 * hi] += lam;
            gh[2 * lo] -= lam;
            gh[2 * hi + 1] += hes;
            gh[2 * lo + 1] += hes;
            sumLambda -= 2 * lam;
          }
        }
        if (sumLambda > 0) {
          const norm = Math.log2(1 + sumLambda) / sumLambda;
          for (let r = a; r < a + m; r++) {
            gh[2 * r] *= norm;
            gh[2 * r + 1] *= norm;
          }
        }
        if (w) {
          for (let r = a; r < a + m; r++) {
            gh[2 * r] *= w[r];
            gh[2 * r + 1] *= w[r];
          }
        }
      }
      // Rows with no pair keep a tiny hessian so leaf values stay finite.
      for (let r = 0; r < y.length; r++) if (gh[2 * r + 1] < 1e-16) gh[2 * r + 1] = 1e-16;
    },
  };
}
