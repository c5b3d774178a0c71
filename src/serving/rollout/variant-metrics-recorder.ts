/**
 * Per-variant aggregates of one serving process, summed in memory on the request path (counters, a fixed
 * latency histogram, prediction bins, a bounded id sample) and appended to `metadata.rolloutMetrics` every
 * flush, one row per variant. Only endpoints with a running rollout are recorded (the caller decides), so
 * the table grows with rollouts, not with all traffic. A failed flush keeps nothing (counted in `lost`):
 * guards then see less traffic, never invented traffic.
 */
import type { MetadataStore } from '../../store/metadata-store.js';
import type { VariantMetricsRow } from '../../store/rollout-metrics-repository.js';
import { LATENCY_BUCKETS_MS } from '../../store/rollout-metrics-repository.js';

/**
 * Prediction-bin keys of training-score bins share the row's `predictionBins` document (no new column):
 * `score:K` counts scores in bin K of the model's training histogram; other keys bin the answers themselves.
 */
export const SCORE_BIN_PREFIX = 'score:';

/** Sampled prediction ids per variant per flush (for quality guards). */
const SAMPLE_PER_ROW = 64;

interface Pending {
  project: string;
  row: { -readonly [K in keyof VariantMetricsRow]: VariantMetricsRow[K] } & { latencyBuckets: number[]; predictionBins: Record<string, number>; sample: [string, string | number][] };
}

/** One request to count. */
export interface RecordedRequest {
  readonly project: string;
  readonly endpoint: string;
  readonly variant: string;
  readonly model: string;
  readonly shadow: boolean;
  readonly ok: boolean;
  readonly latencyMs: number;
  readonly missingKey: boolean;
  /** Shadow: how many of its predictions equal the live answer. */
  readonly agreements?: number;
  readonly predictions?: readonly (string | number)[];
  readonly predictionIds?: readonly string[];
  /** Bins of the prediction scores on the model's training histogram (`prediction-score.ts`; -1 = not counted). */
  readonly scoreBins?: readonly number[];
}

/** The histogram bucket of a latency (first bound >= ms; the last bucket is above every bound). */
export function latencyBucket(ms: number): number {
  let lo = 0;
  let hi = LATENCY_BUCKETS_MS.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (LATENCY_BUCKETS_MS[mid] < ms) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The PSI bin of a prediction: the label itself, or a log-spaced numeric bin (the same in every process). */
export function predictionBin(p: string | number): string {
  if (typeof p === 'string') return `label:${p.slice(0, 64)}`;
  if (!Number.isFinite(p)) return 'nan';
  return `num:${Math.sign(p) * Math.round(Math.log2(1 + Math.abs(p)) * 4)}`;
}

/** Sums requests per variant and flushes them to the store. */
export class VariantMetricsRecorder {
  private pending = new Map<string, Pending>();
  /** Rows lost to failed flushes. */
  lost = 0;

  constructor(
    private readonly metadata: MetadataStore,
    private readonly writer: string,
  ) {}

  /** Count one request (cheap; never throws). */
  record(r: RecordedRequest): void {
    const key = `${r.project}\u0000${r.endpoint}\u0000${r.variant}\u0000${r.shadow ? 1 : 0}\u0000${r.model}`;
    let p = this.pending.get(key);
    if (!p) {
      p = {
        project: r.project,
        row: { endpoint: r.endpoint, variant: r.variant, model: r.model, writer: this.writer, at: 0, requests: 0, errors: 0, missingKeys: 0, agreements: 0, shadow: r.shadow, latencySumMs: 0, latencyBuckets: new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0), predictionBins: {}, sample: [] },
      };
      this.pending.set(key, p);
    }
    const row = p.row;
    row.requests++;
    if (!r.ok) row.errors++;
    if (r.missingKey) row.missingKeys++;
    row.agreements += r.agreements ?? 0;
    row.latencySumMs += r.latencyMs;
    row.latencyBuckets[latencyBucket(r.latencyMs)]++;
    if (r.predictions) {
      for (const pred of r.predictions) {
        const bin = predictionBin(pred);
        row.predictionBins[bin] = (row.predictionBins[bin] ?? 0) + 1;
      }
      if (r.scoreBins) for (const k of r.scoreBins) if (k >= 0) row.predictionBins[`${SCORE_BIN_PREFIX}${k}`] = (row.predictionBins[`${SCORE_BIN_PREFIX}${k}`] ?? 0) + 1;
      if (r.predictionIds) for (let i = 0; i < r.predictionIds.length && row.sample.length < SAMPLE_PER_ROW; i++) row.sample.push([r.predictionIds[i], r.predictions[i]]);
    }
  }

  /** Append what was counted since the last flush (one transaction per project). */
  async flush(now = Date.now()): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    const byProject = new Map<string, VariantMetricsRow[]>();
    for (const p of batch.values()) {
      const rows = byProject.get(p.project) ?? [];
      rows.push({ ...p.row, at: now });
      byProject.set(p.project, rows);
    }
    for (const [project, rows] of byProject) {
      try {
        await this.metadata.inProject(project).rolloutMetrics.append(rows);
      } catch (err) {
        this.lost += rows.length;
        throw err;
      }
    }
  }
}
