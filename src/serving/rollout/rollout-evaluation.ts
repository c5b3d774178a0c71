/**
 * Judges a rollout's guards on live per-variant metrics: the rows every serving process appended over the
 * window `[max(step start, now - window), now]`, summed per variant; the candidate is the live candidate
 * variant (or its shadow copy for a shadow rollout), the baseline the stable variant. A guard whose metric
 * lacks data (fewer than `minRequests` requests, or labels) is "not judged", never a breach.
 */
import type { MetadataStore } from '../../store/metadata-store.js';
import type { RolloutBreach, RolloutRecord } from '../../store/rollout-repository.js';
import { guardHolds, parseGuard } from './guard-expression.js';
import { GUARD_METRICS } from './guard-metrics.js';
import type { TrainingBaseline } from './guard-metrics.js';
import { emptyWindow, windowsByVariant } from './variant-window.js';
import type { VariantWindow } from './variant-window.js';

/** Labelled predictions a quality guard needs before it judges. */
export const MIN_LABELS = 10;

/** One guard's reading. */
export interface GuardReading {
  readonly guard: string;
  readonly metric: string;
  readonly variant: string;
  /** Null: not judged (too little data). */
  readonly value: number | null;
  readonly holds: boolean | null;
  /** Why it is not judged yet (value null), e.g. a model without a training prediction baseline; null when judged. */
  readonly note: string | null;
}

/** Looks up the candidate model's training prediction histogram (`psi`), cached by the caller. */
export type TrainingBaselineLookup = (r: RolloutRecord) => Promise<TrainingBaseline>;

/** What an evaluation saw. */
export interface RolloutEvaluation {
  readonly windowStart: number;
  readonly windowEnd: number;
  readonly candidate: VariantWindow;
  readonly baseline: VariantWindow;
  readonly readings: GuardReading[];
  /** The first guard that failed, or null. */
  readonly breach: RolloutBreach | null;
}

/** Evaluate `r`'s guards at `now` (epoch ms); `metadata` acts in the rollout's project. */
export async function evaluateRollout(metadata: MetadataStore, r: RolloutRecord, now: number, trainingBaseline?: TrainingBaselineLookup): Promise<RolloutEvaluation> {
  const windowStart = Math.max(r.state.stepStartedAt, now - r.spec.windowMs);
  const rows = await metadata.rolloutMetrics.window(r.endpoint, windowStart, now);
  const windows = windowsByVariant(rows);
  const shadow = r.strategy === 'shadow';
  const candidateKey = shadow ? `shadow:${r.spec.candidateVariant}` : r.spec.candidateVariant;
  const candidate = windows.get(candidateKey) ?? emptyWindow(r.spec.candidateVariant, shadow);
  const baseline = windows.get(r.spec.baselineVariant) ?? emptyWindow(r.spec.baselineVariant, false);
  const guards = r.spec.guards.map((g, i) => parseGuard(g, `guards[${i}]`));
  let labels = new Map<string, unknown>();
  if (guards.some((g) => GUARD_METRICS[g.metric].needsLabels) && candidate.sample.length > 0) {
    const stored = await metadata.feedback.labels(r.endpoint, candidate.sample.map(([id]) => id));
    labels = new Map([...stored].map(([id, f]) => [id, JSON.parse(f.labelJson) as unknown]));
  }
  const training = trainingBaseline && guards.some((g) => GUARD_METRICS[g.metric].needsTraining) ? await trainingBaseline(r) : undefined;
  const readings: GuardReading[] = [];
  let breach: RolloutBreach | null = null;
  for (const g of guards) {
    const metric = GUARD_METRICS[g.metric];
    const inputs = { candidate, baseline, labels, minRequests: r.spec.minRequests, minLabels: MIN_LABELS, ...(training ? { training } : {}) };
    const value = metric.value(inputs);
    const holds = value === null ? null : guardHolds(g, value);
    readings.push({ guard: g.source, metric: g.metric, variant: candidate.variant, value, holds, note: value === null ? metric.pending(inputs) : null });
    if (holds === false && breach === null) {
      breach = { guard: g.source, metric: g.metric, variant: candidate.variant, value: value as number, threshold: g.threshold, op: g.op, windowStart, windowEnd: now, requests: candidate.requests, at: new Date(now).toISOString() };
    }
  }
  return { windowStart, windowEnd: now, candidate, baseline, readings, breach };
}
