/**
 * Exact quantiles with linear interpolation between order statistics (numpy's and pandas' default:
 * position p * (n - 1)). Large inputs go through a bucket pass first: values are counted into 65,536
 * equal-width buckets over [min, max] (bucket index is monotone in the value), which tells which few
 * buckets hold the wanted order statistics; only those values are gathered and then placed exactly by
 * Floyd–Rivest selection. Two linear passes instead of n log n comparisons.
 */

const BUCKETS = 1 << 16;
const SMALL = 4096;

/** Quantiles of `values` (no NaN) for each p in [0, 1]; may reorder `values` in place. Pass the known min/max to skip a pass. */
export function exactQuantiles(values: Float64Array, ps: readonly number[], range?: { min: number; max: number }): number[] {
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
  const at = n < SMALL ? selectInPlace(values, sorted) : selectByBuckets(values, sorted, range);
  return ps.map((p) => {
    const pos = p * (n - 1);
    const lo = Math.floor(pos);
    const frac = pos - lo;
    const a = at.get(lo) as number;
    if (frac === 0 || lo + 1 >= n) return a;
    return a + ((at.get(lo + 1) as number) - a) * frac;
  });
}

function selectInPlace(values: Float64Array, ranks: number[]): Map<number, number> {
  multiSelect(values, ranks, 0, ranks.length - 1, 0, values.length - 1);
  return new Map(ranks.map((r) => [r, values[r]]));
}

function selectByBuckets(values: Float64Array, ranks: number[], range?: { min: number; max: number }): Map<number, number> {
  const n = values.length;
  let min = range?.min ?? Infinity;
  let max = range?.max ?? -Infinity;
  if (range === undefined) {
    for (let i = 0; i < n; i++) {
      const x = values[i];
      if (x < min) min = x;
      if (x > max) max = x;
    }
  }
  if (min === max) return new Map(ranks.map((r) => [r, min]));
  const scale = BUCKETS / (max - min);
  // One spare bucket: x = max maps to index BUCKETS.
  const counts = new Uint32Array(BUCKETS + 1);
  for (let i = 0; i < n; i++) counts[((values[i] - min) * scale) | 0]++;
  // For each wanted bucket: where its values start in the global order and in the gather buffer.
  const wanted = new Int32Array(BUCKETS + 1).fill(-1);
  const bucketOfRank: number[] = [];
  const startRank: number[] = [];
  const slotBucket: number[] = [];
  let cum = 0;
  let r = 0;
  for (let b = 0; b <= BUCKETS && r < ranks.length; b++) {
    const next = cum + counts[b];
    while (r < ranks.length && ranks[r] < next) {
      if (wanted[b] < 0) {
        wanted[b] = startRank.length;
        startRank.push(cum);
        slotBucket.push(b);
      }
      bucketOfRank.push(wanted[b]);
      r++;
    }
    cum = next;
  }
  const segStart: number[] = [];
  let total = 0;
  for (let w = 0; w < startRank.length; w++) {
    segStart.push(total);
    total += counts[slotBucket[w]];
  }
  const gathered = new Float64Array(total);
  const fill = segStart.slice();
  for (let i = 0; i < n; i++) {
    const x = values[i];
    const w = wanted[((x - min) * scale) | 0];
    if (w >= 0) gathered[fill[w]++] = x;
  }
  const out = new Map<number, number>();
  ranks.forEach((rank, idx) => {
    const w = bucketOfRank[idx];
    const len = counts[slotBucket[w]];
    const seg = gathered.subarray(segStart[w], segStart[w] + len);
    const local = rank - startRank[w];
    select(seg, local, 0, len - 1);
    out.set(rank, seg[local]);
  });
  return out;
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
