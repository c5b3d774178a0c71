/**
 * Exact quantiles with linear interpolation between order statistics (numpy's and pandas' default:
 * position p * (n - 1)), found by Floyd–Rivest selection instead of a full sort: a few passes over the
 * data rather than n log n comparisons.
 */

/** Quantiles of `values` (no NaN) for each p in [0, 1]; reorders `values` in place. */
export function exactQuantiles(values: Float64Array, ps: readonly number[]): number[] {
  const n = values.length;
  if (n === 0) return ps.map(() => NaN);
  const ranks = new Set<number>();
  for (const p of ps) {
    const pos = p * (n - 1);
    const lo = Math.floor(pos);
    ranks.add(lo);
    if (lo + 1 < n && pos > lo) ranks.add(lo + 1);
  }
  const sorted = [...ranks].sort((a, b) => a - b);
  multiSelect(values, sorted, 0, sorted.length - 1, 0, n - 1);
  return ps.map((p) => {
    const pos = p * (n - 1);
    const lo = Math.floor(pos);
    const frac = pos - lo;
    if (frac === 0 || lo + 1 >= n) return values[lo];
    return values[lo] + (values[lo + 1] - values[lo]) * frac;
  });
}

// Place every rank in ranks[a..b] at its sorted position, splitting the range at the middle rank.
function multiSelect(arr: Float64Array, ranks: number[], a: number, b: number, left: number, right: number): void {
  if (a > b) return;
  const mid = (a + b) >> 1;
  const k = ranks[mid];
  select(arr, k, left, right);
  multiSelect(arr, ranks, a, mid - 1, left, k - 1);
  multiSelect(arr, ranks, mid + 1, b, k + 1, right);
}

/** Floyd–Rivest selection: afterwards arr[k] holds the k-th smallest of arr[left..right]. */
function select(arr: Float64Array, k: number, left: number, right: number): void {
  while (right > left) {
    if (right - left > 600) {
      // Recurse on a sample around k so the pivot lands close to the answer.
      const n = right - left + 1;
      const m = k - left + 1;
      const z = Math.log(n);
      const s = 0.5 * Math.exp((2 * z) / 3);
      const sd = 0.5 * Math.sqrt((z * s * (n - s)) / n) * (m - n / 2 < 0 ? -1 : 1);
      const newLeft = Math.max(left, Math.floor(k - (m * s) / n + sd));
      const newRight = Math.min(right, Math.floor(k + ((n - m) * s) / n + sd));
      select(arr, k, newLeft, newRight);
    }
    const t = arr[k];
    let i = left;
    let j = right;
    swap(arr, left, k);
    if (arr[right] > t) swap(arr, left, right);
    while (i < j) {
      swap(arr, i, j);
      i++;
      j--;
      while (arr[i] < t) i++;
      while (arr[j] > t) j--;
    }
    if (arr[left] === t) swap(arr, left, j);
    else {
      j++;
      swap(arr, j, right);
    }
    if (j <= k) left = j + 1;
    if (k <= j) right = j - 1;
  }
}

function swap(arr: Float64Array, i: number, j: number): void {
  const t = arr[i];
  arr[i] = arr[j];
  arr[j] = t;
}
