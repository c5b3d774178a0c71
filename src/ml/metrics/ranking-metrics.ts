/**
 * Retrieval metrics for grouped ranking data, which scikit-learn lacks; definitions (also in
 * docs/algorithms/metrics.md): a row is relevant when its label is > 0; each query's rows are ranked by
 * decreasing score with ties kept in row order; every metric is computed per query and averaged over
 * all queries, and a query with no relevant row scores 0 (as sklearn's ndcg_score does).
 *   precision@k = relevant in top k / min(k, query size)
 *   recall@k    = relevant in top k / relevant in query
 *   AP@k        = sum over relevant ranks i <= k of precision@i, divided by min(k, relevant in query)
 *   MRR         = 1 / rank of the first relevant row (no cutoff)
 */
import { rankWithinQueries, requireCutoff } from './query-groups.js';
import type { RankedQueries } from './query-groups.js';

type PerQuery = (yTrue: ArrayLike<number>, ranked: RankedQueries, start: number, end: number) => number;

function averageOverQueries(metric: string, yTrue: ArrayLike<number>, yScore: ArrayLike<number>, groups: Int32Array, perQuery: PerQuery): number {
  const ranked = rankWithinQueries(metric, yTrue, yScore, groups);
  const nq = ranked.starts.length - 1;
  let sum = 0;
  for (let q = 0; q < nq; q++) sum += perQuery(yTrue, ranked, ranked.starts[q], ranked.starts[q + 1]);
  return sum / nq;
}

function relevantCount(yTrue: ArrayLike<number>, order: Int32Array, start: number, end: number): number {
  let c = 0;
  for (let r = start; r < end; r++) if (yTrue[order[r]] > 0) c++;
  return c;
}

/** Mean precision@k over queries (binary relevance: label > 0). */
export function precisionAtK(yTrue: ArrayLike<number>, yScore: ArrayLike<number>, groups: Int32Array, k: number): number {
  const metric = `precision@${k}`;
  requireCutoff(metric, k);
  return averageOverQueries(metric, yTrue, yScore, groups, (y, { order }, start, end) => {
    const top = Math.min(k, end - start);
    return relevantCount(y, order, start, start + top) / top;
  });
}

/** Mean recall@k over queries; a query without relevant rows counts 0. */
export function recallAtK(yTrue: ArrayLike<number>, yScore: ArrayLike<number>, groups: Int32Array, k: number): number {
  const metric = `recall@${k}`;
  requireCutoff(metric, k);
  return averageOverQueries(metric, yTrue, yScore, groups, (y, { order }, start, end) => {
    const all = relevantCount(y, order, start, end);
    if (all === 0) return 0;
    return relevantCount(y, order, start, Math.min(end, start + k)) / all;
  });
}

/** Mean average precision at k (MAP@k) over queries. */
export function mapAtK(yTrue: ArrayLike<number>, yScore: ArrayLike<number>, groups: Int32Array, k: number): number {
  const metric = `map@${k}`;
  requireCutoff(metric, k);
  return averageOverQueries(metric, yTrue, yScore, groups, (y, { order }, start, end) => {
    const all = relevantCount(y, order, start, end);
    if (all === 0) return 0;
    const stop = Math.min(end, start + k);
    let hits = 0;
    let sum = 0;
    for (let r = start; r < stop; r++) {
      if (y[order[r]] > 0) {
        hits++;
        sum += hits / (r - start + 1);
      }
    }
    return sum / Math.min(k, all);
  });
}

/** Mean reciprocal rank of the first relevant row over queries. */
export function meanReciprocalRank(yTrue: ArrayLike<number>, yScore: ArrayLike<number>, groups: Int32Array): number {
  return averageOverQueries('mrr', yTrue, yScore, groups, (y, { order }, start, end) => {
    for (let r = start; r < end; r++) if (y[order[r]] > 0) return 1 / (r - start + 1);
    return 0;
  });
}
