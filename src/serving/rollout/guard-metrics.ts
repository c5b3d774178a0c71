/**
 * The metrics a rollout guard can name, as a registry (one entry per metric, no switch): each computes
 * its value for the candidate's window, given the baseline's window (for PSI) and the feedback labels of
 * sampled predictions (for quality). A metric that lacks data answers null ("not judged yet"), never a
 * made-up number.
 */
import { psiFromShares } from '../../core/stats/population-stability-index.js';
import { LATENCY_BUCKETS_MS } from '../../store/rollout-metrics-repository.js';
import type { VariantWindow } from './variant-window.js';

/** What a metric sees. */
export interface GuardInputs {
  readonly candidate: VariantWindow;
  readonly baseline: VariantWindow | null;
  /** Feedback labels of the candidate's sampled prediction ids. */
  readonly labels: ReadonlyMap<string, unknown>;
  readonly minRequests: number;
  /** Labelled predictions a quality metric needs. */
  readonly minLabels: number;
}

/** One guard metric. */
export interface GuardMetric {
  readonly description: string;
  /** Whether judging it needs feedback labels (the controller fetches them only then). */
  readonly needsLabels: boolean;
  value(inputs: GuardInputs): number | null;
}

/** The latency quantile `q` from a bucket histogram: the upper bound of the bucket holding it (conservative). */
export function latencyQuantile(buckets: readonly number[], q: number): number | null {
  let total = 0;
  for (const c of buckets) total += c;
  if (total === 0) return null;
  const rank = Math.ceil(q * total);
  let seen = 0;
  for (let i = 0; i < buckets.length; i++) {
    seen += buckets[i];
    if (seen >= rank) return i < LATENCY_BUCKETS_MS.length ? LATENCY_BUCKETS_MS[i] : Number.POSITIVE_INFINITY;
  }
  return Number.POSITIVE_INFINITY;
}

function enough(w: VariantWindow, min: number): boolean {
  return w.requests >= min;
}

const latency = (q: number, name: string): GuardMetric => ({
  description: `${name} latency inside the server in ms (upper bound of its histogram bucket)`,
  needsLabels: false,
  value: ({ candidate, minRequests }) => (enough(candidate, minRequests) ? latencyQuantile(candidate.latencyBuckets, q) : null),
});

/** PSI on a handful of predictions is noise (one odd label moves it by whole units): it waits for this many per side. */
export const MIN_PSI_REQUESTS = 50;

/** PSI of the candidate's prediction distribution against the baseline's over the same window. */
function predictionPsi({ candidate, baseline, minRequests }: GuardInputs): number | null {
  const min = Math.max(minRequests, MIN_PSI_REQUESTS);
  if (!baseline || !enough(candidate, min) || !enough(baseline, min)) return null;
  return binsPsi(candidate.predictionBins, baseline.predictionBins);
}

/** PSI of two prediction-bin histograms (`current` against `reference`); null when either is empty. */
export function binsPsi(current: Readonly<Record<string, number>>, reference: Readonly<Record<string, number>>): number | null {
  const candidate = { predictionBins: current };
  const baseline = { predictionBins: reference };
  const keys = [...new Set([...Object.keys(candidate.predictionBins), ...Object.keys(baseline.predictionBins)])];
  const total = (bins: Readonly<Record<string, number>>): number => keys.reduce((s, k) => s + (bins[k] ?? 0), 0);
  const ct = total(candidate.predictionBins);
  const bt = total(baseline.predictionBins);
  if (ct === 0 || bt === 0) return null;
  return psiFromShares(
    keys.map((k) => (baseline.predictionBins[k] ?? 0) / bt),
    keys.map((k) => (candidate.predictionBins[k] ?? 0) / ct),
  );
}

function labelled({ candidate, labels }: GuardInputs): [string | number, unknown][] {
  const out: [string | number, unknown][] = [];
  for (const [id, prediction] of candidate.sample) if (labels.has(id)) out.push([prediction, labels.get(id)]);
  return out;
}

/** Every guard metric by name. */
export const GUARD_METRICS: Readonly<Record<string, GuardMetric>> = {
  error_rate: {
    description: 'share of requests the variant failed to answer (5xx: model error, unavailable)',
    needsLabels: false,
    value: ({ candidate, minRequests }) => (enough(candidate, minRequests) ? candidate.errors / candidate.requests : null),
  },
  p50_ms: latency(0.5, 'median'),
  p95_ms: latency(0.95, '95th percentile'),
  p99_ms: latency(0.99, '99th percentile'),
  mean_ms: {
    description: 'mean latency inside the server in ms',
    needsLabels: false,
    value: ({ candidate, minRequests }) => (enough(candidate, minRequests) ? candidate.latencySumMs / candidate.requests : null),
  },
  psi: {
    description: "population stability index of the candidate's predictions against the baseline variant's, same window",
    needsLabels: false,
    value: predictionPsi,
  },
  accuracy: {
    description: 'share of sampled predictions equal to their feedback label',
    needsLabels: true,
    value: (inputs) => {
      const pairs = labelled(inputs);
      if (pairs.length < inputs.minLabels) return null;
      return pairs.filter(([p, l]) => String(p) === String(l)).length / pairs.length;
    },
  },
  rmse: {
    description: 'root mean squared error of sampled numeric predictions against their feedback label',
    needsLabels: true,
    value: (inputs) => {
      const pairs = labelled(inputs).filter(([p, l]) => typeof p === 'number' && typeof l === 'number');
      if (pairs.length < inputs.minLabels) return null;
      return Math.sqrt(pairs.reduce((s, [p, l]) => s + ((p as number) - (l as number)) ** 2, 0) / pairs.length);
    },
  },
};
