/**
 * The data of `kiln rollout report`: per variant, over the rollout's life, time buckets of traffic,
 * errors, latency and outcomes (predictions whose feedback label arrived, and how many matched), plus
 * each variant's totals. Read from the metric rows every serving process appended; feedback joined on the
 * sampled prediction ids. Plain JSON (the HTML report renders it as inline SVG charts).
 */
import type { MetadataStore } from '../../store/metadata-store.js';
import type { RolloutRecord } from '../../store/rollout-repository.js';
import type { AbAnalysis } from './analysis/index.js';
import { binsPsi, latencyQuantile } from './guard-metrics.js';
import { abAnalysisOf, armOutcomes } from './rollout-outcomes.js';
import { summarize } from './rollout-view.js';
import type { RolloutView, VariantSummary } from './rollout-view.js';
import { addRow, emptyWindow } from './variant-window.js';
import type { VariantWindow } from './variant-window.js';

/** One time bucket of one variant. */
export interface ReportPoint {
  /** Bucket end (ISO). */
  readonly at: string;
  readonly requests: number;
  readonly errors: number;
  readonly errorRate: number | null;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  /** Sampled predictions with a feedback label, and the share equal to it. */
  readonly labelled: number;
  readonly accuracy: number | null;
}

/** One variant's line. */
export interface ReportSeries {
  readonly variant: string;
  readonly shadow: boolean;
  readonly models: string[];
  /** Totals; `psi` compares this variant's predictions with the baseline variant's (null for the baseline). */
  readonly total: VariantSummary & { readonly labelled: number; readonly accuracy: number | null; readonly psi: number | null };
  readonly points: ReportPoint[];
}

/** The report. */
export interface RolloutReport {
  readonly rollout: RolloutView;
  readonly from: string;
  readonly to: string;
  readonly bucketMs: number;
  readonly series: ReportSeries[];
  /** Candidate against baseline on outcomes joined from feedback, or why there is none yet. */
  readonly ab: { readonly analysis: AbAnalysis | null; readonly note: string | null };
}

/** Most buckets per series. */
const MAX_BUCKETS = 120;

function outcomes(w: VariantWindow, labels: ReadonlyMap<string, unknown>): { labelled: number; accuracy: number | null } {
  let labelled = 0;
  let equal = 0;
  for (const [id, p] of w.sample) {
    if (!labels.has(id)) continue;
    labelled++;
    if (String(labels.get(id)) === String(p)) equal++;
  }
  return { labelled, accuracy: labelled > 0 ? equal / labelled : null };
}

/** Build the report of `r` (metadata in its project) up to `now`. */
export async function buildRolloutReport(metadata: MetadataStore, r: RolloutRecord, view: RolloutView, now: number): Promise<RolloutReport> {
  const from = Date.parse(r.createdAt) - 1;
  const to = r.finishedAt ? Date.parse(r.finishedAt) + 2000 : now;
  const rows = await metadata.rolloutMetrics.window(r.endpoint, from, to);
  const bucketMs = Math.max(1000, Math.ceil((to - from) / MAX_BUCKETS / 1000) * 1000);
  const totals = new Map<string, VariantWindow>();
  const buckets = new Map<string, Map<number, VariantWindow>>();
  for (const row of rows) {
    const key = row.shadow ? `shadow:${row.variant}` : row.variant;
    let total = totals.get(key);
    if (!total) totals.set(key, (total = emptyWindow(row.variant, row.shadow)));
    addRow(total, row, 20_000);
    let byBucket = buckets.get(key);
    if (!byBucket) buckets.set(key, (byBucket = new Map()));
    const b = from + Math.ceil((row.at - from) / bucketMs) * bucketMs;
    let w = byBucket.get(b);
    if (!w) byBucket.set(b, (w = emptyWindow(row.variant, row.shadow)));
    addRow(w, row);
  }
  const ids = [...totals.values()].flatMap((w) => w.sample.map(([id]) => id));
  const stored = ids.length > 0 ? await metadata.feedback.labels(r.endpoint, ids) : new Map();
  const labels = new Map<string, unknown>([...stored].map(([id, f]) => [id, JSON.parse(f.labelJson) as unknown]));
  const baselineTotal = totals.get(r.spec.baselineVariant) ?? null;
  const psiOf = (w: VariantWindow): number | null => (w === baselineTotal || !baselineTotal ? null : binsPsi(w.predictionBins, baselineTotal.predictionBins));
  const series: ReportSeries[] = [...totals.entries()].map(([key, total]) => ({
    variant: total.variant,
    shadow: total.shadow,
    models: total.models,
    total: { ...summarize(total), ...outcomes(total, labels), psi: psiOf(total) },
    points: [...(buckets.get(key) ?? new Map<number, VariantWindow>()).entries()]
      .sort((x, y) => x[0] - y[0])
      .map(([at, w]) => ({ at: new Date(at).toISOString(), requests: w.requests, errors: w.errors, errorRate: w.requests > 0 ? w.errors / w.requests : null, p50Ms: latencyQuantile(w.latencyBuckets, 0.5), p99Ms: latencyQuantile(w.latencyBuckets, 0.99), ...outcomes(w, labels) })),
  }));
  const baseline = totals.get(r.spec.baselineVariant) ?? emptyWindow(r.spec.baselineVariant, false);
  const candidate = totals.get(r.strategy === 'shadow' ? `shadow:${r.spec.candidateVariant}` : r.spec.candidateVariant) ?? emptyWindow(r.spec.candidateVariant, r.strategy === 'shadow');
  const outcomesAll = await armOutcomes(metadata, r, baseline, candidate, async () => labels);
  const ab = abAnalysisOf(baseline, candidate, outcomesAll, r.state.ab?.alwaysValidP ?? null, r.spec.mde ?? null);
  return { rollout: view, from: new Date(from).toISOString(), to: new Date(to).toISOString(), bucketMs, series, ab };
}
