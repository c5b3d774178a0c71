/** Quantiles of sorted samples with numpy's default ('linear', type 7) interpolation. */

/** The q-quantile (0 <= q <= 1) of an ascending-sorted sample without NaN; NaN when empty. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const pos = (n - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  const frac = pos - lo;
  return sorted[lo] + (sorted[hi] - sorted[lo]) * frac;
}
