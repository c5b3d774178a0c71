/**
 * The metrics a rollout guard can name, as a registry (one entry per metric, no switch): each computes
 * its value for the candidate's window, given the baseline variant's window (`psi_vs_stable`), the
 * candidate model's training prediction histogram (`psi`) and the feedback labels of sampled predictions
 * (quality). A metric that lacks data answers null ("not judged yet"), never a made-up number, and
 * `pending` says why.
 */
import { categoricalPsi, psiFromShares } from '../../core/stats/population-stability-index.js';
import { LATENCY_BUCKETS_MS } from '../../store/rollout-metrics-repository.js';
import type { PredictionHistogram } from './prediction-score.js';
import { referenceCounts } from './prediction-score.js';
import type { VariantWindow } from './variant-window.js';

/** The candidate model's training prediction histogram, or why there is none. */
export type TrainingBaseline = { readonly model: string; readonly histogram: PredictionHistogram } | { readonly model: string | null; readonly histogram: null; readonly note: string };

/** What a metric sees. */
export interface GuardInputs {
  readonly candidate: VariantWindow;
  readonly baseline: VariantWindow | null;
  /** Feedback labels of the candidate's sampled prediction ids. */
  readonly labels: ReadonlyMap<string, unknown>;
  readonly minRequests: number;
  /** Labelled predictions a quality metric needs. */
  readonly minLabels: number;
  /** For `psi`: the candidate model's training prediction histogram (absent: not looked up). */
  readonly training?: TrainingBaseline;
}

/** One guard metric. */
export interface GuardMetric {
  readonly description: string;
  /** Whether judging it needs feedback labels (the controller fetches them only then). */
  readonly needsLabels: boolean;
  /** Whether judging it needs the candidate model's training baseline (the controller loads it only then). */
  readonly needsTraining?: boolean;
  value(inputs: GuardInputs): number | null;
  /** Why `value` is null (shown with the reading). */
  pending(inputs: GuardInputs): string;
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

const fewRequests = ({ candidate, minRequests }: GuardInputs): string => `waiting for ${minRequests} requests on ${candidate.variant} (${candidate.requests} so far)`;

const latency = (q: number, name: string): GuardMetric => ({
  description: `${name} latency inside the server in ms (upper bound of its histogram bucket)`,
  needsLabels: false,
  value: ({ candidate, minRequests }) => (enough(candidate, minRequests) ? latencyQuantile(candidate.latencyBuckets, q) : null),
  pending: fewRequests,
});

/** PSI on a handful of predictions is noise (one odd label moves it by whole units): it waits for this many per side. */
export const MIN_PSI_REQUESTS = 50;

/** PSI of the candidate's prediction distribution against the stable variant's over the same window. */
function psiVsStable({ candidate, baseline, minRequests }: GuardInputs): number | null {
  const min = Math.max(minRequests, MIN_PSI_REQUESTS);
  if (!baseline || !enough(candidate, min) || !enough(baseline, min)) return null;
  return binsPsi(candidate.predictionBins, baseline.predictionBins);
}

/** The candidate's live score counts on its model's training bins (`[under, ...bins, over]`), or null. */
export function liveScoreCounts(candidate: VariantWindow, training: TrainingBaseline | undefined): number[] | null {
  if (!training?.histogram) return null;
  const bins = candidate.scoreBins[training.model];
  if (!bins) return null;
  const counts = new Array<number>(training.histogram.counts.length + 2).fill(0);
  for (const [k, n] of Object.entries(bins)) {
    const i = Number(k);
    if (Number.isInteger(i) && i >= 0 && i < counts.length) counts[i] += n;
  }
  return counts;
}

/**
 * Scored predictions per training bin before `psi` is judged. Between two samples of one distribution PSI
 * is about (bins - 1) / n (plus the same over the training rows): 25 per bin keeps that noise near 0.04
 * for the usual 20 bins (500 predictions), well under the customary 0.1 / 0.2 thresholds; at 50
 * predictions noise alone would read ~0.4 and roll back healthy candidates.
 */
export const MIN_SCORES_PER_BIN = 25;

function minScores(minRequests: number, h: PredictionHistogram): number {
  return Math.max(minRequests, MIN_PSI_REQUESTS, MIN_SCORES_PER_BIN * h.counts.length);
}

/**
 * PSI of the candidate's live prediction scores against its model's training prediction histogram, on
 * the histogram's own bins plus an under and an over bin (empty bins floored at 1e-4, as every PSI here).
 */
function psiVsTraining({ candidate, minRequests, training }: GuardInputs): number | null {
  const live = liveScoreCounts(candidate, training);
  if (!live || !training?.histogram) return null;
  const n = live.reduce((a, b) => a + b, 0);
  if (n < minScores(minRequests, training.histogram)) return null;
  return categoricalPsi(referenceCounts(training.histogram), live);
}

function psiPending(inputs: GuardInputs): string {
  const { candidate, minRequests, training } = inputs;
  if (!training) return 'the training baseline was not looked up';
  if (!training.histogram) return training.note;
  const live = liveScoreCounts(candidate, training);
  if (!live) return `no prediction scores of ${training.model} on ${candidate.variant} in the window yet`;
  return `waiting for ${minScores(minRequests, training.histogram)} scored predictions on ${candidate.variant} (${live.reduce((a, b) => a + b, 0)} so far)`;
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
    pending: fewRequests,
  },
  p50_ms: latency(0.5, 'median'),
  p95_ms: latency(0.95, '95th percentile'),
  p99_ms: latency(0.99, '99th percentile'),
  mean_ms: {
    description: 'mean latency inside the server in ms',
    needsLabels: false,
    value: ({ candidate, minRequests }) => (enough(candidate, minRequests) ? candidate.latencySumMs / candidate.requests : null),
    pending: fewRequests,
  },
  psi: {
    description: "population stability index of the candidate's prediction scores against its model's training prediction histogram (bundle baseline)",
    needsLabels: false,
    needsTraining: true,
    value: psiVsTraining,
    pending: psiPending,
  },
  psi_vs_stable: {
    description: "population stability index of the candidate's predictions against the stable variant's, same window",
    needsLabels: false,
    value: psiVsStable,
    pending: ({ candidate, baseline, minRequests }) => `waiting for ${Math.max(minRequests, MIN_PSI_REQUESTS)} requests on each variant (${candidate.variant}: ${candidate.requests}, ${baseline?.variant ?? 'stable'}: ${baseline?.requests ?? 0})`,
  },
  accuracy: {
    description: 'share of sampled predictions equal to their feedback label',
    needsLabels: true,
    value: (inputs) => {
      const pairs = labelled(inputs);
      if (pairs.length < inputs.minLabels) return null;
      return pairs.filter(([p, l]) => String(p) === String(l)).length / pairs.length;
    },
    pending: (inputs) => `waiting for ${inputs.minLabels} sampled predictions with a feedback label (${labelled(inputs).length} so far)`,
  },
  rmse: {
    description: 'root mean squared error of sampled numeric predictions against their feedback label',
    needsLabels: true,
    value: (inputs) => {
      const pairs = labelled(inputs).filter(([p, l]) => typeof p === 'number' && typeof l === 'number');
      if (pairs.length < inputs.minLabels) return null;
      return Math.sqrt(pairs.reduce((s, [p, l]) => s + ((p as number) - (l as number)) ** 2, 0) / pairs.length);
    },
    pending: (inputs) => `waiting for ${inputs.minLabels} sampled numeric predictions with a numeric feedback label`,
  },
};
