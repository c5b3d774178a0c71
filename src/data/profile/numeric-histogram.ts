/**
 * Equal-width histograms binned exactly as `numpy.histogram(values, bins)` does: edges from linspace
 * over [min, max] (widened by ±0.5 when min == max), the last bin closed, and numpy's edge correction so
 * a value on an edge lands in the same bin as numpy puts it.
 */
import type { Histogram } from './profile-types.js';

/** Bin layout shared by the exact and the sketch paths. */
export class HistogramBins {
  readonly edges: Float64Array;
  readonly counts: Float64Array;
  private readonly first: number;
  private readonly span: number;

  constructor(min: number, max: number, private readonly bins: number) {
    let first = min;
    let last = max;
    if (first === last) {
      first -= 0.5;
      last += 0.5;
    }
    this.first = first;
    this.span = last - first;
    const step = this.span / bins;
    this.edges = new Float64Array(bins + 1);
    for (let i = 0; i < bins; i++) this.edges[i] = i * step + first;
    this.edges[bins] = last;
    this.counts = new Float64Array(bins);
  }

  /** Add `weight` to the bin holding x (x within [min, max]). */
  add(x: number, weight: number): void {
    const bins = this.bins;
    const edges = this.edges;
    let idx = Math.trunc(((x - this.first) / this.span) * bins);
    if (idx >= bins) idx = bins - 1;
    if (x < edges[idx]) idx--;
    else if (idx !== bins - 1 && x >= edges[idx + 1]) idx++;
    this.counts[idx] += weight;
  }

  /** Add every value of `values` (all within [min, max]) with weight 1: the exact path's tight loop. */
  addAll(values: Float64Array): void {
    const bins = this.bins;
    const edges = this.edges;
    const counts = this.counts;
    const first = this.first;
    const scale = bins / this.span;
    for (let i = 0; i < values.length; i++) {
      const x = values[i];
      // A rounding slip of the multiply is fixed by the edge checks below, as numpy does.
      let idx = ((x - first) * scale) | 0;
      if (idx >= bins) idx = bins - 1;
      if (x < edges[idx]) idx--;
      else if (idx !== bins - 1 && x >= edges[idx + 1]) idx++;
      counts[idx]++;
    }
  }

  /** The JSON form. */
  toJSON(): Histogram {
    return { edges: Array.from(this.edges), counts: Array.from(this.counts, (c) => Math.round(c)) };
  }
}
