/**
 * Per-variant aggregates over a window: the sum of the metric rows every serving process appended
 * (`metadata.rolloutMetrics`), by variant, live and shadow apart. What guards and reports read.
 */
import type { VariantMetricsRow } from '../../store/rollout-metrics-repository.js';
import { LATENCY_BUCKETS_MS } from '../../store/rollout-metrics-repository.js';
import { SCORE_BIN_PREFIX } from './variant-metrics-recorder.js';

/** One variant's traffic over a window. */
export interface VariantWindow {
  readonly variant: string;
  readonly shadow: boolean;
  requests: number;
  errors: number;
  missingKeys: number;
  agreements: number;
  latencySumMs: number;
  readonly latencyBuckets: number[];
  readonly predictionBins: Record<string, number>;
  /** Per model key: counts of prediction scores per bin of that model's training histogram (`score:K` keys of the rows). */
  readonly scoreBins: Record<string, Record<string, number>>;
  readonly sample: [string, string | number][];
  /** Models the variant served in the window. */
  readonly models: string[];
}

/** An empty window of `variant`. */
export function emptyWindow(variant: string, shadow: boolean): VariantWindow {
  return { variant, shadow, requests: 0, errors: 0, missingKeys: 0, agreements: 0, latencySumMs: 0, latencyBuckets: new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0), predictionBins: {}, scoreBins: {}, sample: [], models: [] };
}

/** Add one row into a window. */
export function addRow(w: VariantWindow, r: VariantMetricsRow, maxSample = 5000): void {
  w.requests += r.requests;
  w.errors += r.errors;
  w.missingKeys += r.missingKeys;
  w.agreements += r.agreements;
  w.latencySumMs += r.latencySumMs;
  for (let i = 0; i < w.latencyBuckets.length && i < r.latencyBuckets.length; i++) w.latencyBuckets[i] += r.latencyBuckets[i];
  for (const [k, n] of Object.entries(r.predictionBins)) {
    if (k.startsWith(SCORE_BIN_PREFIX)) {
      const bins = (w.scoreBins[r.model] ??= {});
      const bin = k.slice(SCORE_BIN_PREFIX.length);
      bins[bin] = (bins[bin] ?? 0) + n;
    } else w.predictionBins[k] = (w.predictionBins[k] ?? 0) + n;
  }
  for (const s of r.sample) if (w.sample.length < maxSample) w.sample.push([s[0], s[1]]);
  if (!w.models.includes(r.model)) w.models.push(r.model);
}

/** Sum rows by variant (shadow rows under their own key `shadow:NAME`). */
export function windowsByVariant(rows: readonly VariantMetricsRow[]): Map<string, VariantWindow> {
  const out = new Map<string, VariantWindow>();
  for (const r of rows) {
    const key = r.shadow ? `shadow:${r.variant}` : r.variant;
    let w = out.get(key);
    if (!w) out.set(key, (w = emptyWindow(r.variant, r.shadow)));
    addRow(w, r);
  }
  return out;
}
