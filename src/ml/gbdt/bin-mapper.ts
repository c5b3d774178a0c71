/**
 * Quantile binning of a FeatureMatrix into row-major uint8 bins (the layout the histogram kernel reads
 * fastest). Each numeric feature gets at most `maxBins` value bins whose upper bounds are midpoints
 * between neighbouring distinct values of a seeded row sample; a value v lands in the first bin b with
 * v <= upper[b], so the same comparison against raw values at inference reproduces training exactly.
 * Missing values (NaN) get their own bin after the value bins. Categorical features use the code as the
 * bin (codes outside 0..k-1 count as missing).
 */
import { UsageError } from '../../core/errors.js';
import type { Rng } from '../../core/rng.js';
import type { FeatureMatrix } from '../../runtime/feature-matrix.js';
import { radixSortF64 } from './radix-sort-f64.js';

/** Bin layout of every feature. */
export interface BinLayout {
  readonly features: number;
  /** Value bins per feature (the missing bin is index `numBins[f]`). */
  readonly numBins: Int32Array;
  /** Histogram slot offset of feature f (slots = numBins[f] + 1). */
  readonly offsets: Int32Array;
  readonly totalSlots: number;
  /** Upper bounds per feature (numeric) — `uppers[f][b]`; last is +Infinity. Empty for categorical. */
  readonly uppers: readonly Float64Array[];
  /** Number of categories (0 = numeric). */
  readonly categoryCounts: Int32Array;
}

/** Binned training rows. */
export interface BinnedData {
  readonly layout: BinLayout;
  readonly rows: number;
  /** Row-major bins: bin of feature f in row r is `bins[r * features + f]` (gathered per tree into the leaf-ordered copy the kernel reads). */
  readonly bins: Uint8Array;
}

/** Allocate a Uint8Array on shared memory when available (worker threads read it without copies). */
export function sharedBytes(n: number): Uint8Array {
  return typeof SharedArrayBuffer === 'function' ? new Uint8Array(new SharedArrayBuffer(n)) : new Uint8Array(n);
}

/** Find bin boundaries from a seeded sample of rows. */
export function fitBinLayout(x: FeatureMatrix, maxBins: number, sampleRows: number, rng: Rng): BinLayout {
  const n = x.rows;
  const F = x.cols;
  let sample: Int32Array | undefined;
  if (n > sampleRows) {
    // Partial Fisher–Yates: the first sampleRows of a seeded permutation, sorted for sequential reads.
    const perm = new Int32Array(n);
    for (let i = 0; i < n; i++) perm[i] = i;
    for (let i = 0; i < sampleRows; i++) {
      const j = i + rng.int(n - i);
      const t = perm[i];
      perm[i] = perm[j];
      perm[j] = t;
    }
    sample = perm.slice(0, sampleRows).sort();
  }
  const numBins = new Int32Array(F);
  const uppers: Float64Array[] = [];
  const cats = new Int32Array(F);
  const m = sample ? sample.length : n;
  const vals = new Float64Array(m);
  for (let f = 0; f < F; f++) {
    const k = x.categoryCounts[f] | 0;
    if (k > 0) {
      if (k > 255) {
        throw new UsageError(`feature "${x.names[f]}" has ${k} categories; native categorical splits support at most 255`, { column: x.names[f] }, 'group rare categories, or encode this column as numeric (e.g. target or frequency encoding)');
      }
      cats[f] = k;
      numBins[f] = k;
      uppers.push(new Float64Array(0));
      continue;
    }
    const base = f * n;
    let cnt = 0;
    for (let i = 0; i < m; i++) {
      const v = x.data[base + (sample ? sample[i] : i)];
      if (v === v) vals[cnt++] = v;
    }
    const sorted = vals.subarray(0, cnt);
    radixSortF64(sorted);
    const u = quantileUppers(sorted, maxBins);
    numBins[f] = u.length;
    uppers.push(u);
  }
  const offsets = new Int32Array(F);
  let total = 0;
  for (let f = 0; f < F; f++) {
    offsets[f] = total;
    total += numBins[f] + 1;
  }
  return { features: F, numBins, offsets, totalSlots: total, uppers, categoryCounts: cats };
}

/** Upper bounds from sorted non-missing values: distinct values when few, else equal-frequency cuts. */
function quantileUppers(sorted: Float64Array, maxBins: number): Float64Array {
  const n = sorted.length;
  if (n === 0) return Float64Array.of(Infinity);
  // Distinct values with counts, compacted into the front of `sorted` (typed arrays: no boxing).
  const distinct = sorted;
  const counts = new Int32Array(n);
  let d = 0;
  for (let i = 0; i < n; i++) {
    const v = sorted[i];
    if (d > 0 && distinct[d - 1] === v) counts[d - 1]++;
    else {
      distinct[d] = v;
      counts[d++] = 1;
    }
  }
  const cuts: number[] = [];
  if (d <= maxBins) {
    for (let i = 0; i + 1 < d; i++) cuts.push(midpoint(distinct[i], distinct[i + 1]));
  } else {
    // Greedy equal-frequency: close a bin once it holds ~n/maxBins rows; a heavy value gets its own bin.
    let remaining = n;
    let binsLeft = maxBins;
    let acc = 0;
    let target = remaining / binsLeft;
    for (let i = 0; i + 1 < d && binsLeft > 1; i++) {
      acc += counts[i];
      const next = counts[i + 1];
      if (acc >= target || acc + next / 2 > target * 1.5 || next >= target) {
        cuts.push(midpoint(distinct[i], distinct[i + 1]));
        remaining -= acc;
        binsLeft--;
        acc = 0;
        target = remaining / binsLeft;
      }
    }
  }
  const out = new Float64Array(cuts.length + 1);
  for (let i = 0; i < cuts.length; i++) out[i] = cuts[i];
  out[cuts.length] = Infinity;
  return out;
}

function midpoint(a: number, b: number): number {
  const m = a + (b - a) / 2;
  // Guard against rounding landing on b (adjacent doubles): the bound must keep a left and b right.
  return m < b ? m : a;
}

/** Bin index of a numeric value: first b with v <= uppers[b]; `missingBin` for NaN. */
export function binOfValue(uppers: Float64Array, v: number, missingBin: number): number {
  if (v !== v) return missingBin;
  let lo = 0;
  let hi = uppers.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (v <= uppers[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Bucketed lookup for one feature's upper bounds: a uniform grid over the finite bounds points at the
 * first candidate bin, then a short forward scan finds the exact bin (same answer as `binOfValue`,
 * without a branchy binary search per value).
 */
class BinLookup {
  private readonly u: Float64Array;
  private readonly lut: Int32Array;
  private readonly lo: number;
  private readonly scale: number;

  constructor(u: Float64Array) {
    this.u = u;
    const finite = u.length - 1;
    const T = 4096;
    this.lut = new Int32Array(T);
    this.lo = finite > 0 ? u[0] : 0;
    const hi = finite > 0 ? u[finite - 1] : 0;
    this.scale = hi > this.lo ? T / (hi - this.lo) : 0;
    let i = 0;
    for (let b = 0; b < T; b++) {
      const start = this.lo + b / this.scale;
      while (i < finite && u[i] < start) i++;
      this.lut[b] = i;
    }
  }

  /** Bin of a non-NaN value. */
  bin(v: number): number {
    const u = this.u;
    if (!(v > u[0])) return 0;
    let b = Math.floor((v - this.lo) * this.scale);
    if (b >= this.lut.length) b = this.lut.length - 1;
    let i = this.lut[b];
    // Rounding in the bucket index can overshoot by one bin; step back, then scan forward.
    while (i > 0 && v <= u[i - 1]) i--;
    while (v > u[i]) i++;
    return i;
  }
}

/** Rows binned per block, so the strided row-major writes stay in cache. */
const BLOCK_ROWS = 4096;

/** Bin every row of `x` with a fitted layout into row-major uint8 bins (on shared memory). */
export function binMatrix(x: FeatureMatrix, layout: BinLayout): BinnedData {
  const n = x.rows;
  const F = layout.features;
  if (x.cols !== F) throw new UsageError(`feature matrix has ${x.cols} columns but the bin layout expects ${F}`);
  const bins = sharedBytes(n * F);
  const lookups = layout.uppers.map((u, f) => (layout.categoryCounts[f] > 0 ? undefined : new BinLookup(u)));
  for (let r0 = 0; r0 < n; r0 += BLOCK_ROWS) {
    const r1 = Math.min(n, r0 + BLOCK_ROWS);
    for (let f = 0; f < F; f++) {
      const base = f * n;
      const missing = layout.numBins[f];
      const k = layout.categoryCounts[f];
      const lk = lookups[f];
      if (k > 0 || !lk) {
        for (let i = r0; i < r1; i++) {
          const v = x.data[base + i];
          const b = v >= 0 && v < k ? v | 0 : missing;
          bins[i * F + f] = b;
        }
      } else {
        for (let i = r0; i < r1; i++) {
          const v = x.data[base + i];
          const b = v !== v ? missing : lk.bin(v);
          bins[i * F + f] = b;
        }
      }
    }
  }
  return { layout, rows: n, bins };
}
