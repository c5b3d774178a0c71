/**
 * Normalized discounted cumulative gain as scikit-learn 1.2's `ndcg_score`: linear gain (the
 * relevance itself), discount 1 / log2(rank + 1), cutoff k, and tied scores handled by giving every
 * row of a tie the tie's mean gain (McSherry & Najork). A query with no relevant row scores 0.
 * `ndcgAtK` applies this per query of grouped data and averages over queries; `ndcgScore` is sklearn's
 * matrix form (each row of an n x L matrix is one query).
 */
import { InputError } from '../../core/errors.js';
import { rankWithinQueries, requireCutoff } from './query-groups.js';
import { requireLength, requireWeights } from './metric-input-checks.js';

const LN2 = Math.log(2);

/** Discount at 0-based rank r, computed with the same operations as sklearn. */
function discountAt(r: number): number {
  return 1 / (Math.log(r + 2) / LN2);
}

/**
 * NDCG of one query whose rows, best score first, are `order[start..end)`. `scratch` must hold at
 * least end - start values.
 */
function queryNdcg(yTrue: ArrayLike<number>, yScore: ArrayLike<number>, order: Int32Array, start: number, end: number, k: number, scratch: Float64Array): number {
  const len = end - start;
  // DCG with tie averaging: a tie group gets (mean gain) x (sum of its rank discounts).
  let dcg = 0;
  let cum = 0;
  let prevCum = 0;
  let r = 0;
  while (r < len) {
    const s = yScore[order[start + r]];
    let gain = 0;
    let count = 0;
    while (r < len && yScore[order[start + r]] === s) {
      gain += yTrue[order[start + r]];
      if (r < k) cum += discountAt(r);
      count++;
      r++;
    }
    dcg += (gain / count) * (cum - prevCum);
    prevCum = cum;
  }
  // Ideal DCG: relevance sorted descending, ties irrelevant.
  const rel = scratch.subarray(0, len);
  for (let j = 0; j < len; j++) rel[j] = yTrue[order[start + j]];
  rel.sort();
  let idcg = 0;
  const top = Math.min(k, len);
  for (let j = 0; j < top; j++) idcg += rel[len - 1 - j] * discountAt(j);
  return idcg === 0 ? 0 : dcg / idcg;
}

/** Mean NDCG@k over the queries of grouped data (`groups` = query id per row). */
export function ndcgAtK(yTrue: ArrayLike<number>, yScore: ArrayLike<number>, groups: Int32Array, k: number): number {
  const metric = `ndcg@${k}`;
  requireCutoff(metric, k);
  const { order, starts } = rankWithinQueries(metric, yTrue, yScore, groups);
  const nq = starts.length - 1;
  let maxLen = 0;
  for (let q = 0; q < nq; q++) maxLen = Math.max(maxLen, starts[q + 1] - starts[q]);
  const scratch = new Float64Array(maxLen);
  let sum = 0;
  for (let q = 0; q < nq; q++) sum += queryNdcg(yTrue, yScore, order, starts[q], starts[q + 1], k, scratch);
  return sum / nq;
}

/** Options for the matrix form `ndcgScore`. */
export interface NdcgScoreOptions {
  /** Cutoff; default all L positions. */
  k?: number;
  /** One weight per query row. */
  sampleWeight?: Float64Array;
}

/** sklearn `ndcg_score` on n x L row-major relevance and score matrices (L >= 2). */
export function ndcgScore(yTrue: ArrayLike<number>, yScore: ArrayLike<number>, nLabels: number, options: NdcgScoreOptions = {}): number {
  const metric = 'ndcg_score';
  if (!Number.isInteger(nLabels) || nLabels < 2) throw new InputError(`${metric}: needs at least 2 labels per row, got ${nLabels}`, { field: 'nLabels' });
  if (yTrue.length % nLabels !== 0) {
    throw new InputError(`${metric}: y_true has ${yTrue.length} values, not a multiple of nLabels=${nLabels}`, { field: 'y_true' });
  }
  const nRows = yTrue.length / nLabels;
  const k = options.k ?? nLabels;
  requireCutoff(metric, k);
  const groups = new Int32Array(yTrue.length);
  for (let i = 0; i < groups.length; i++) groups[i] = Math.floor(i / nLabels);
  const { order, starts } = rankWithinQueries(metric, yTrue, yScore, groups);
  const w = options.sampleWeight;
  requireWeights(metric, w, nRows);
  if (w) requireLength(metric, 'sample_weight', w, nRows);
  const scratch = new Float64Array(nLabels);
  let sum = 0;
  let total = 0;
  for (let q = 0; q < nRows; q++) {
    const wq = w ? w[q] : 1;
    sum += queryNdcg(yTrue, yScore, order, starts[q], starts[q + 1], k, scratch) * wq;
    total += wq;
  }
  return sum / total;
}
