/**
 * Order statistics with numpy's exact arithmetic (`np.percentile`/`np.median`, method 'linear'), so
 * fitted medians, quantile bin edges and robust-scaler ranges match scikit-learn to the last bit.
 */

/** The non-missing values, sorted ascending (a copy). */
export function sortedFinite(values: Float64Array): Float64Array {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i])) n++;
  const out = new Float64Array(n);
  let o = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i])) out[o++] = values[i];
  return out.sort();
}

/** Percentile `q` (0..100) of sorted values, numpy 'linear' method; NaN when empty. */
export function percentile(sorted: Float64Array, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const virtual = (n - 1) * (q / 100);
  const lo = Math.max(0, Math.min(n - 1, Math.floor(virtual)));
  const hi = Math.min(n - 1, lo + 1);
  const t = virtual - lo;
  const a = sorted[lo];
  const b = sorted[hi];
  const d = b - a;
  // numpy's _lerp: interpolate from the nearer end for t >= 0.5 (monotone and exact at t = 1).
  return t >= 0.5 ? b - d * (1 - t) : a + d * t;
}

/** Median of sorted values (mean of the two middle values for even counts, like numpy); NaN when empty. */
export function median(sorted: Float64Array): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = n >> 1;
  return n % 2 === 1 ? sorted[h] : (sorted[h - 1] + sorted[h]) / 2;
}
