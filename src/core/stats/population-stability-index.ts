/**
 * Population Stability Index (PSI). Numeric binning: edges are the reference's deciles (numpy
 * 'linear' quantiles at 0.1..0.9, duplicates dropped), bins are (-inf, e1], (e1, e2], ..., (e_k, inf);
 * categorical: one bin per category. A bin's share is clamped below at `epsilon` (default 1e-4) in
 * both samples so empty bins give a finite PSI = sum (cur - ref) * ln(cur / ref).
 */
import { quantileSorted } from './quantile.js';

/** Options for PSI. */
export interface PsiOptions {
  /** Number of quantile bins of the reference (default 10). */
  readonly bins?: number;
  /** Floor for a bin's share (default 1e-4). */
  readonly epsilon?: number;
}

/** PSI of two share vectors (same bins, each summing to 1). */
export function psiFromShares(reference: ArrayLike<number>, current: ArrayLike<number>, epsilon = 1e-4): number {
  let psi = 0;
  for (let i = 0; i < reference.length; i++) {
    const r = Math.max(reference[i], epsilon);
    const c = Math.max(current[i], epsilon);
    psi += (c - r) * Math.log(c / r);
  }
  return psi;
}

/** Bin edges: the reference's quantiles at 1/bins .. (bins-1)/bins, deduplicated. */
export function psiBinEdges(referenceSorted: Float64Array, bins = 10): Float64Array {
  const edges: number[] = [];
  for (let k = 1; k < bins; k++) {
    const e = quantileSorted(referenceSorted, k / bins);
    if (edges.length === 0 || e > edges[edges.length - 1]) edges.push(e);
  }
  return Float64Array.from(edges);
}

/** Shares of `values` (NaN skipped) in the bins (-inf, e1], (e1, e2], ..., (e_k, inf). */
export function binShares(values: Float64Array, edges: Float64Array): Float64Array {
  const counts = new Float64Array(edges.length + 1);
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== v) continue;
    // Binary search: first edge >= v (numpy searchsorted side='left').
    let lo = 0;
    let hi = edges.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (edges[mid] < v) lo = mid + 1;
      else hi = mid;
    }
    counts[lo]++;
    n++;
  }
  if (n > 0) for (let i = 0; i < counts.length; i++) counts[i] /= n;
  return counts;
}

/** PSI of a numeric sample against a numeric reference (NaN skipped in both). */
export function populationStabilityIndex(reference: Float64Array, current: Float64Array, opts: PsiOptions = {}): number {
  const ref = reference.filter((v) => v === v).sort();
  const edges = psiBinEdges(ref, opts.bins ?? 10);
  return psiFromShares(binShares(ref, edges), binShares(current, edges), opts.epsilon ?? 1e-4);
}

/** PSI of categorical counts (same category order in both; a category absent from one side counts 0). */
export function categoricalPsi(referenceCounts: ArrayLike<number>, currentCounts: ArrayLike<number>, epsilon = 1e-4): number {
  const rs = sum(referenceCounts);
  const cs = sum(currentCounts);
  const r = new Float64Array(referenceCounts.length);
  const c = new Float64Array(currentCounts.length);
  for (let i = 0; i < r.length; i++) {
    r[i] = rs > 0 ? referenceCounts[i] / rs : 0;
    c[i] = cs > 0 ? currentCounts[i] / cs : 0;
  }
  return psiFromShares(r, c, epsilon);
}

function sum(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s;
}
