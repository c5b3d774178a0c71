/**
 * Per-variant serving aggregates for rollout guardrails and reports (`metadata.rolloutMetrics`). Every
 * serving process sums its requests per endpoint variant in memory and appends one row per variant per
 * flush (every second by default), so the controller of a rollout, whichever process it runs in, sees
 * the traffic of all processes by summing rows over a window. Rows are small: counts, a fixed latency
 * histogram, prediction bins (for PSI) and a bounded sample of prediction ids (joined with feedback for
 * quality guards). Held to its semantics by `rollout-repository.contract.ts`.
 */

/** One process's aggregate of one variant over one flush interval. */
export interface VariantMetricsRow {
  readonly endpoint: string;
  readonly variant: string;
  /** The model key the variant served. */
  readonly model: string;
  /** The writing process (for debugging; rows are never merged in place). */
  readonly writer: string;
  /** End of the interval (epoch ms). */
  readonly at: number;
  readonly requests: number;
  readonly errors: number;
  /** Requests whose sticky key was missing (assigned at random). */
  readonly missingKeys: number;
  /** Shadow: predictions equal to the live variant's answer for the same request (agreement rate's numerator). */
  readonly agreements: number;
  /** Shadow requests are counted apart: they never reached a caller. */
  readonly shadow: boolean;
  readonly latencySumMs: number;
  /** Counts per `LATENCY_BUCKETS_MS` bucket (last = above the largest bound). */
  readonly latencyBuckets: readonly number[];
  /** Prediction counts per bin key (a label, or a numeric bin) for PSI. */
  readonly predictionBins: Readonly<Record<string, number>>;
  /** A bounded sample of [predictionId, prediction] for quality guards. */
  readonly sample: readonly (readonly [string, string | number])[];
}

/** Upper bounds (ms) of the latency histogram every writer uses. */
export const LATENCY_BUCKETS_MS: readonly number[] = [0.25, 0.5, 1, 2, 3, 5, 7.5, 10, 15, 20, 30, 50, 75, 100, 150, 250, 500, 1000, 2500, 5000, 10000];

/** Aggregates of the store's project. */
export interface RolloutMetricsRepository {
  /** Appends rows (one transaction). */
  append(rows: readonly VariantMetricsRow[]): Promise<void>;
  /** Rows of an endpoint with `from < at <= to`, oldest first. */
  window(endpoint: string, from: number, to: number): Promise<VariantMetricsRow[]>;
  /** Deletes rows older than `before` (epoch ms) in every project; returns how many. */
  prune(before: number): Promise<number>;
}
