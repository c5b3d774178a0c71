/**
 * `rankWithinQueries`: for grouped ranking data (one query id per row), the rows of every query in
 * decreasing score order, ties kept in row order. One global radix sort plus one stable counting
 * scatter by query, so a million rows in many small queries costs two linear passes, not a sort per query.
 */
import { InputError } from '../../core/errors.js';
import { argsortDescending } from './argsort-descending.js';
import { checkPaired, requireLength } from './metric-input-checks.js';

/** Rows of each query, best score first: query q owns `order[starts[q]] .. order[starts[q + 1] - 1]`. */
export interface RankedQueries {
  readonly order: Int32Array;
  /** Length = number of queries + 1. Queries are numbered by first appearance in `groups`. */
  readonly starts: Int32Array;
}

/** Validate grouped ranking input (lengths, finite scores, relevance >= 0); returns the row count. */
export function checkRankingInput(metric: string, yTrue: ArrayLike<number>, yScore: ArrayLike<number>, groups: Int32Array): number {
  const n = checkPaired(metric, yTrue, yScore, 'y_score');
  requireLength(metric, 'groups', groups, n);
  for (let i = 0; i < n; i++) {
    if (yTrue[i] < 0) {
      throw new InputError(`${metric}: relevance y_true is ${yTrue[i]} at row ${i}; relevance labels must be >= 0`, { field: 'y_true', row: i });
    }
  }
  return n;
}

/** Validate grouped ranking input and return each query's rows ranked by score. */
export function rankWithinQueries(metric: string, yTrue: ArrayLike<number>, yScore: ArrayLike<number>, groups: Int32Array): RankedQueries {
  const n = checkRankingInput(metric, yTrue, yScore, groups);
  const dense = new Int32Array(n);
  const ids = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    let q = ids.get(groups[i]);
    if (q === undefined) {
      q = ids.size;
      ids.set(groups[i], q);
    }
    dense[i] = q;
  }
  const nq = ids.size;
  const starts = new Int32Array(nq + 1);
  for (let i = 0; i < n; i++) starts[dense[i] + 1]++;
  for (let q = 0; q < nq; q++) starts[q + 1] += starts[q];
  const cursor = starts.slice(0, nq);
  const byScore = argsortDescending(yScore);
  const order = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    const i = byScore[r];
    order[cursor[dense[i]]++] = i;
  }
  return { order, starts };
}

/** Throw unless k is a positive integer (the cutoff of an @k metric). */
export function requireCutoff(metric: string, k: number): void {
  if (!Number.isInteger(k) || k < 1) throw new InputError(`${metric}: k must be a positive integer, got ${k}`, { field: 'k' });
}
