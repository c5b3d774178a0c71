/**
 * Streaming statistics of one numeric (or timestamp, as epoch ms) column (±Infinity counts as missing
 * and is tallied apart, since no statistic survives it): moments merged chunk by chunk
 * with Chan's formula over corrected two-pass chunk moments (means match pandas to ~1e-12), extremes,
 * zero/negative counts, distinct values, and either every value (exact quantiles, histogram and
 * outliers) or, past `exactQuantileLimit` values, a KLL sketch.
 */
import { KllSketch } from './kll-sketch.js';
import { HistogramBins } from './numeric-histogram.js';
import { NumericDistinctCounter } from './numeric-distinct-counter.js';
import { exactQuantiles } from './quantile-select.js';
import type { Histogram, Quantiles } from './profile-types.js';

const PS = [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99] as const;

/** Final numeric statistics (NaN-free: absent values are null). */
export interface NumericSummary {
  count: number;
  missing: number;
  infinite: number;
  distinct: number;
  distinctExact: boolean;
  mean: number | null;
  std: number | null;
  min: number | null;
  max: number | null;
  quantiles: Quantiles | null;
  quantilesExact: boolean;
  zeros: number;
  negatives: number;
  outliers: number | null;
  histogram: Histogram | null;
}

/** Accumulates one numeric column over chunks. */
export class NumericAccumulator {
  private count = 0;
  private missing = 0;
  private infinite = 0;
  private mean = 0;
  private m2 = 0;
  private min = Infinity;
  private max = -Infinity;
  private zeros = 0;
  private negatives = 0;
  private store: Float64Array | null = new Float64Array(0);
  private stored = 0;
  private sketch: KllSketch | null = null;
  private readonly distinct: NumericDistinctCounter;

  constructor(private readonly exactQuantileLimit: number, exactDistinctLimit: number) {
    this.distinct = new NumericDistinctCounter(exactDistinctLimit);
  }

  /** Fold one chunk of values (NaN = missing) into the statistics. */
  add(values: Float64Array): void {
    const n = values.length;
    let cnt = 0;
    let sum = 0;
    let min = this.min;
    let max = this.max;
    let zeros = 0;
    let negatives = 0;
    let infinite = 0;
    for (let i = 0; i < n; i++) {
      const x = values[i];
      // x - x is 0 only for finite x: NaN and ±Infinity both skip the statistics.
      if (x - x !== 0) {
        if (x === x) infinite++;
        continue;
      }
      cnt++;
      sum += x;
      if (x < min) min = x;
      if (x > max) max = x;
      if (x === 0) zeros++;
      else if (x < 0) negatives++;
    }
    this.missing += n - cnt;
    this.infinite += infinite;
    if (cnt === 0) return;
    this.min = min;
    this.max = max;
    this.zeros += zeros;
    this.negatives += negatives;
    // Corrected two-pass: the residual sum fixes the rounding of the first mean.
    const m0 = sum / cnt;
    let d = 0;
    let d2 = 0;
    for (let i = 0; i < n; i++) {
      const x = values[i];
      if (x - x !== 0) continue;
      const e = x - m0;
      d += e;
      d2 += e * e;
    }
    const chunkMean = m0 + d / cnt;
    const chunkM2 = d2 - (d * d) / cnt;
    const total = this.count + cnt;
    const delta = chunkMean - this.mean;
    this.mean += (delta * cnt) / total;
    this.m2 += chunkM2 + (delta * delta * this.count * cnt) / total;
    this.count = total;
    this.distinct.addRange(values, 0, n);
    this.keepValues(values, cnt);
  }

  /** The final statistics. */
  summary(bins: number): NumericSummary {
    const count = this.count;
    const base = {
      count,
      missing: this.missing,
      infinite: this.infinite,
      distinct: this.distinct.count(),
      distinctExact: this.distinct.exact,
      zeros: this.zeros,
      negatives: this.negatives,
      quantilesExact: this.sketch === null,
    };
    if (count === 0) {
      return { ...base, mean: null, std: null, min: null, max: null, quantiles: null, outliers: null, histogram: null };
    }
    let qs: number[];
    let values: Float64Array;
    let weights: Float64Array | null = null;
    if (this.sketch === null) {
      values = (this.store as Float64Array).subarray(0, this.stored);
      qs = exactQuantiles(values, PS, { min: this.min, max: this.max });
    } else {
      qs = this.sketch.quantiles(PS);
      const w = this.sketch.weighted();
      values = w.values;
      weights = w.weights;
    }
    const quantiles: Quantiles = { p1: qs[0], p5: qs[1], p25: qs[2], p50: qs[3], p75: qs[4], p95: qs[5], p99: qs[6] };
    const iqr = quantiles.p75 - quantiles.p25;
    const lowFence = quantiles.p25 - 1.5 * iqr;
    const highFence = quantiles.p75 + 1.5 * iqr;
    const hist = new HistogramBins(this.min, this.max, bins);
    let outliers = 0;
    if (weights === null) {
      hist.addAll(values);
      for (let i = 0; i < values.length; i++) {
        const x = values[i];
        if (x < lowFence || x > highFence) outliers++;
      }
    } else {
      for (let i = 0; i < values.length; i++) {
        const x = values[i];
        // The sketch may not hold the true extremes; clamp so every weight lands in a bin.
        hist.add(x < this.min ? this.min : x > this.max ? this.max : x, weights[i]);
        if (x < lowFence || x > highFence) outliers += weights[i];
      }
    }
    return {
      ...base,
      mean: this.mean,
      std: count > 1 ? Math.sqrt(this.m2 / (count - 1)) : null,
      min: this.min,
      max: this.max,
      quantiles,
      outliers: Math.round(outliers),
      histogram: hist.toJSON(),
    };
  }

  // Keep non-missing values while under the exact limit; past it, hand everything to the sketch.
  private keepValues(values: Float64Array, cnt: number): void {
    if (this.sketch === null && this.stored + cnt > this.exactQuantileLimit) {
      this.sketch = new KllSketch();
      const store = this.store as Float64Array;
      for (let i = 0; i < this.stored; i++) this.sketch.update(store[i]);
      this.store = null;
      this.stored = 0;
    }
    if (this.sketch !== null) {
      const sketch = this.sketch;
      for (let i = 0; i < values.length; i++) {
        const x = values[i];
        if (x - x === 0) sketch.update(x);
      }
      return;
    }
    let store = this.store as Float64Array;
    if (this.stored + cnt > store.length) {
      const grown = new Float64Array(Math.min(this.exactQuantileLimit, Math.max(this.stored + cnt, store.length * 2)));
      grown.set(store.subarray(0, this.stored));
      store = grown;
      this.store = grown;
    }
    let o = this.stored;
    if (cnt === values.length) {
      store.set(values, o);
      o += cnt;
    } else {
      for (let i = 0; i < values.length; i++) {
        const x = values[i];
        if (x - x === 0) store[o++] = x;
      }
    }
    this.stored = o;
  }
}
