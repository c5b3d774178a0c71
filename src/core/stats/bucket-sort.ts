/**
 * `bucketSortFloat64`: exact ascending sort of a Float64Array (no NaN) for large, roughly continuous samples
 * such as the drift report's numeric columns. One pass finds [min, max]; a counting pass and a scatter
 * pass spread the values into about n/4 buckets keyed by floor((x - min) * scale), which is monotone in x
 * under IEEE round-to-nearest (subtracting a constant and multiplying by a positive one never reorder),
 * so every bucket holds a contiguous range of the sorted order; one insertion pass over the whole array
 * then finishes the few values left out of order inside each bucket. Buckets much larger than the average
 * (skewed data, outliers stretching the range) are spread again on their own [min, max], up to
 * MAX_DEPTH levels, then left to the native sort. The result equals `Float64Array.prototype.sort`'s
 * bit for bit, -0 before +0 included. Work memory comes from a reusable `Float64SortScratch`: fresh
 * memory costs a page fault per 4 KiB on first touch, more than the sort itself on this kind of machine.
 */
import { sortFloat64 } from './radix-sort.js';
import { exclusivePrefixSum } from './exclusive-prefix-sum.js';

/** Below this many values the native sort is as fast. */
const NATIVE_MAX = 256;
/** Values per bucket on average. */
const PER_BUCKET = 4;
/** Buckets up to this size are left to the final insertion pass (its cost grows with a bucket's square). */
const LEAF_MAX = 64;
/** Levels of re-spreading a large bucket before the native sort takes it. */
const MAX_DEPTH = 3;

/** Work memory for `bucketSortFloat64`, reused across calls so large sorts touch no fresh pages. */
export class Float64SortScratch {
  private work = new Float64Array(0);
  private readonly counts: Int32Array[] = [];

  /** A buffer of at least `n` doubles (contents undefined). */
  workFor(n: number): Float64Array {
    if (this.work.length < n) this.work = new Float64Array(n);
    return this.work;
  }

  /** Zeroed counters 0..k-1 for recursion level `depth`. */
  countsFor(depth: number, k: number): Int32Array {
    let c = this.counts[depth];
    if (!c || c.length < k) {
      c = new Int32Array(Math.max(k, 1024));
      this.counts[depth] = c;
      return c;
    }
    c.fill(0, 0, k);
    return c;
  }
}

/** Sort `values` ascending in place (no NaN; equal to the native sort, -0 before +0) and return it. */
export function bucketSortFloat64(values: Float64Array, scratch: Float64SortScratch = new Float64SortScratch()): Float64Array {
  if (values.length <= NATIVE_MAX) return values.sort();
  sortLarge(values, scratch);
  return values;
}

/**
 * The sort of more than NATIVE_MAX values: [min, max], the top level's spread, one insertion pass. One
 * function, and larger than V8 inlines (--max-inlined-bytecode-size, 460 bytes of bytecode in V8 11.3):
 * inlined into its caller, the same loops ran ~10% slower (30.4 vs 27.6 ms per 1M normal values).
 */
function sortLarge(a: Float64Array, scratch: Float64SortScratch): void {
  const n = a.length;
  let lo = a[0];
  let hi = lo;
  for (let i = 1; i < n; i++) {
    const x = a[i];
    if (x < lo) lo = x;
    else if (x > hi) hi = x;
  }
  if (lo === hi) {
    orderZeros(a);
    return;
  }
  // An infinite or overflowing range has no finite bucket scale: the radix sort handles any bits.
  if (!(hi - lo < Infinity) || !(spreadScale(n, lo, hi) < Infinity)) {
    sortFloat64(a);
    return;
  }
  const nb = Math.max(1, Math.floor(n / PER_BUCKET));
  const scale = nb / (hi - lo);
  // (hi - lo) * scale rounds to at most nb, so nb + 1 counters cover every key without clamping.
  const counts = scratch.countsFor(0, nb + 1);
  for (let i = 0; i < n; i++) counts[((a[i] - lo) * scale) | 0]++;
  exclusivePrefixSum(counts, 0, nb + 1, 0);
  const work = scratch.workFor(n);
  for (let i = 0; i < n; i++) {
    const x = a[i];
    work[counts[((x - lo) * scale) | 0]++] = x;
  }
  a.set(work.subarray(0, n), 0);
  // counts[k] is now the end of bucket k (and the start of k + 1); large buckets are spread again.
  let start = 0;
  for (let k = 0; k <= nb; k++) {
    const end = counts[k];
    if (end - start > LEAF_MAX) spreadBucket(a, start, end, scratch, 1);
    start = end;
  }
  // Straight insertion over the whole array: cheap once every value sits in its bucket.
  for (let i = 1; i < n; i++) {
    const x = a[i];
    let j = i - 1;
    if (!(a[j] > x)) continue;
    do {
      a[j + 1] = a[j];
      j--;
    } while (j >= 0 && a[j] > x);
    a[j + 1] = x;
  }
  orderZeros(a);
}

function spreadScale(len: number, lo: number, hi: number): number {
  return Math.max(1, Math.floor(len / PER_BUCKET)) / (hi - lo);
}

/**
 * Spread a[s..e) (values in [lo, hi], lo < hi) into buckets in place; buckets above LEAF_MAX are spread
 * again on their own range. Leaves every bucket's values contiguous and in bucket order.
 */
function spread(a: Float64Array, s: number, e: number, lo: number, hi: number, scratch: Float64SortScratch, depth: number): void {
  const len = e - s;
  const nb = Math.max(1, Math.floor(len / PER_BUCKET));
  const scale = nb / (hi - lo);
  // (hi - lo) * scale rounds to at most nb, so nb + 1 counters cover every key without clamping.
  const counts = scratch.countsFor(depth, nb + 1);
  for (let i = s; i < e; i++) counts[((a[i] - lo) * scale) | 0]++;
  exclusivePrefixSum(counts, 0, nb + 1, s);
  const work = scratch.workFor(e);
  for (let i = s; i < e; i++) {
    const x = a[i];
    work[counts[((x - lo) * scale) | 0]++] = x;
  }
  a.set(work.subarray(s, e), s);
  // counts[k] is now the end of bucket k (and the start of k + 1).
  let start = s;
  for (let k = 0; k <= nb; k++) {
    const end = counts[k];
    if (end - start > LEAF_MAX) spreadBucket(a, start, end, scratch, depth + 1);
    start = end;
  }
}

function spreadBucket(a: Float64Array, s: number, e: number, scratch: Float64SortScratch, depth: number): void {
  let lo = a[s];
  let hi = lo;
  for (let i = s + 1; i < e; i++) {
    const x = a[i];
    if (x < lo) lo = x;
    else if (x > hi) hi = x;
  }
  if (lo === hi) return;
  if (depth > MAX_DEPTH || !(spreadScale(e - s, lo, hi) < Infinity)) {
    a.subarray(s, e).sort();
    return;
  }
  spread(a, s, e, lo, hi, scratch, depth);
}

/** Comparisons see -0 === +0; the native sort puts every -0 first, so rewrite the run of zeros that way. */
function orderZeros(a: Float64Array): void {
  const n = a.length;
  if (n === 0 || a[0] > 0 || a[n - 1] < 0) return;
  let from = 0;
  let to = n;
  // First index not below zero.
  while (from < to) {
    const mid = (from + to) >>> 1;
    if (a[mid] < 0) from = mid + 1;
    else to = mid;
  }
  let end = from;
  let negative = 0;
  while (end < n && a[end] === 0) {
    if (1 / a[end] < 0) negative++;
    end++;
  }
  for (let i = from; i < end; i++) a[i] = i - from < negative ? -0 : 0;
}
