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

/**
 * The q-quantile of a sample without NaN, like `quantileSorted` but in O(n) by selection: reorders
 * `values` in place (the caller gives up its order) instead of sorting it.
 */
export function quantileInPlace(values: Float64Array, q: number): number {
  const n = values.length;
  if (n === 0) return NaN;
  const pos = (n - 1) * q;
  const lo = Math.floor(pos);
  const frac = pos - lo;
  const a = selectKth(values, lo);
  if (frac === 0 || lo + 1 >= n) return a;
  // After selection everything right of `lo` is >= a; the next order statistic is their minimum.
  let b = Infinity;
  for (let i = lo + 1; i < n; i++) if (values[i] < b) b = values[i];
  return a + (b - a) * frac;
}

/** Reorder `a` so a[k] is its k-th smallest value (Hoare quickselect, median-of-three pivots). */
export function selectKth(a: Float64Array, k: number): number {
  let left = 0;
  let right = a.length - 1;
  while (right > left) {
    const mid = (left + right) >>> 1;
    // Median of three as pivot guards against sorted input.
    const x = a[left];
    const y = a[mid];
    const z = a[right];
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let i = left;
    let j = right;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else break;
  }
  return a[k];
}
