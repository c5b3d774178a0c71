/**
 * Background summaries for KernelSHAP: the rows that stand in for "feature unknown". A seeded random
 * sample of k rows (any column types), or SHAP's `shap.kmeans` summary for numeric columns: k-means
 * centres (Lloyd's algorithm from k seeded distinct rows), each coordinate snapped to the nearest value
 * the column really takes, weighted by cluster size.
 */
import { InputError } from '../../core/errors.js';
import { float64Values, Frame } from '../../core/frame.js';
import type { NumericColumn } from '../../core/frame.js';
import { Rng } from '../../core/rng.js';

/** Background rows with their weights. */
export interface Background {
  readonly frame: Frame;
  readonly weights: Float64Array;
}

/** A seeded random sample of `k` rows (all rows when there are at most k), equally weighted. */
export function sampleBackground(frame: Frame, k: number, seed = 0): Background {
  if (!Number.isInteger(k) || k < 1) throw new InputError(`background size must be a positive integer (got ${k})`, { field: 'background' });
  if (frame.rowCount === 0) throw new InputError('the background data has no rows', { field: 'background' });
  const n = frame.rowCount;
  const idx = n <= k ? Int32Array.from({ length: n }, (_, i) => i) : new Rng(seed).permutation(n).slice(0, k).sort();
  return { frame: frame.take(idx), weights: new Float64Array(idx.length).fill(1) };
}

/** k-means summary of numeric columns, SHAP's `kmeans` (centres snapped to data values, weights = sizes). */
export function kmeansBackground(frame: Frame, columns: readonly string[], k: number, seed = 0, iterations = 30): Background {
  const n = frame.rowCount;
  if (n === 0) throw new InputError('the background data has no rows', { field: 'background' });
  const cols = columns.map((c) => {
    const col = frame.column(c);
    if (col.type !== 'numeric') throw new InputError(`k-means backgrounds need numeric columns; "${c}" is ${col.type}`, { column: c }, 'Use a random sample background (--background sample).');
    return float64Values(col);
  });
  const M = cols.length;
  const K = Math.min(k, n);
  const at = (i: number, j: number): number => {
    const v = cols[j][i];
    return v === v ? v : 0;
  };
  const start = new Rng(seed).permutation(n).slice(0, K);
  const centres = new Float64Array(K * M);
  start.forEach((r, c) => {
    for (let j = 0; j < M; j++) centres[c * M + j] = at(r, j);
  });
  const assign = new Int32Array(n);
  const sizes = new Float64Array(K);
  for (let it = 0; it < iterations; it++) {
    let moved = false;
    for (let i = 0; i < n; i++) {
      let best = 0;
      let bestD = Infinity;
      for (let c = 0; c < K; c++) {
        let d = 0;
        for (let j = 0; j < M; j++) d += (at(i, j) - centres[c * M + j]) ** 2;
        if (d < bestD) {
          bestD = d;
          best = c;
        }
      }
      if (assign[i] !== best || it === 0) moved = true;
      assign[i] = best;
    }
    centres.fill(0);
    sizes.fill(0);
    for (let i = 0; i < n; i++) {
      sizes[assign[i]] += 1;
      for (let j = 0; j < M; j++) centres[assign[i] * M + j] += at(i, j);
    }
    for (let c = 0; c < K; c++) for (let j = 0; j < M; j++) centres[c * M + j] = sizes[c] > 0 ? centres[c * M + j] / sizes[c] : at(start[c], j);
    if (!moved) break;
  }
  // Snap each coordinate to the nearest value of its column (keeps integer and one-hot columns valid).
  const keep: number[] = [];
  for (let c = 0; c < K; c++) if (sizes[c] > 0) keep.push(c);
  const out = columns.map((name, j): NumericColumn => {
    const values = new Float64Array(keep.length);
    keep.forEach((c, r) => {
      let best = centres[c * M + j];
      let bestD = Infinity;
      for (let i = 0; i < n; i++) {
        const d = Math.abs(at(i, j) - centres[c * M + j]);
        if (d < bestD) {
          bestD = d;
          best = at(i, j);
        }
      }
      values[r] = best;
    });
    return { name, type: 'numeric', values };
  });
  return { frame: new Frame(out, keep.length), weights: Float64Array.from(keep, (c) => sizes[c]) };
}
