/**
 * What `kiln rollout status` and `GET /v1/endpoints/{name}/rollout` answer: the rollout, its step and bake,
 * the breach that ended it (if any), its events, and — while it runs — the live per-variant numbers and
 * guard readings over the current window. Plain JSON; the keys are public API (docs/rollouts.md).
 */
import type { RolloutBreach, RolloutEventEntry, RolloutRecord } from '../../store/rollout-repository.js';
import { latencyQuantile } from './guard-metrics.js';
import type { AbAnalysis } from './analysis/index.js';
import type { GuardReading, RolloutEvaluation } from './rollout-evaluation.js';
import type { VariantWindow } from './variant-window.js';

/** Live numbers of one variant over the window. */
export interface VariantSummary {
  readonly variant: string;
  readonly shadow: boolean;
  readonly requests: number;
  readonly errors: number;
  readonly errorRate: number | null;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  readonly meanMs: number | null;
  /** Requests whose sticky key was missing (assigned at random). */
  readonly missingKeys: number;
  /** Shadow: share of its predictions equal to the live answer for the same request; null otherwise. */
  readonly agreementRate: number | null;
}

/** A rollout as shown to people and programs. */
export interface RolloutView {
  readonly rollout: Omit<RolloutRecord, 'state' | 'spec'> & RolloutRecord['spec'];
  readonly step: { readonly index: number; readonly of: number; readonly percent: number; readonly startedAt: string; readonly bakeEndsAt: string; readonly bakeRemainingMs: number };
  readonly breach: RolloutBreach | null;
  readonly events: RolloutEventEntry[];
  readonly live: { readonly windowStart: string; readonly windowEnd: string; readonly variants: VariantSummary[]; readonly guards: GuardReading[] } | null;
  /** A/B and bandit: the analysis of outcomes joined from feedback since the start, or why there is none yet. */
  readonly ab?: { readonly analysis: AbAnalysis | null; readonly note: string | null; readonly outcomes?: 'all' | 'sample' };
}

/** Predictions counted in a window (rows can hold several instances). */
function sumBins(w: VariantWindow): number {
  let n = 0;
  for (const c of Object.values(w.predictionBins)) n += c;
  return Math.max(1, n);
}

/** A window's summary. */
export function summarize(w: VariantWindow): VariantSummary {
  return {
    variant: w.variant,
    shadow: w.shadow,
    requests: w.requests,
    errors: w.errors,
    errorRate: w.requests > 0 ? w.errors / w.requests : null,
    p50Ms: latencyQuantile(w.latencyBuckets, 0.5),
    p99Ms: latencyQuantile(w.latencyBuckets, 0.99),
    meanMs: w.requests > 0 ? w.latencySumMs / w.requests : null,
    missingKeys: w.missingKeys,
    agreementRate: w.shadow && w.requests > w.errors ? w.agreements / sumBins(w) : null,
  };
}

/** The view of `r` at `now`, with the live evaluation when it runs. */
export function rolloutView(r: RolloutRecord, evaluation: RolloutEvaluation | null, now: number): RolloutView {
  const { spec, state, ...rest } = r;
  const percent = state.candidatePercent ?? ((r.strategy === 'ab' || r.strategy === 'bandit') && spec.weights ? spec.weights[1] : (spec.steps[state.stepIndex] ?? 0));
  const bakeEnds = state.stepStartedAt + spec.bakeMs;
  return {
    rollout: { ...rest, ...spec },
    step: { index: state.stepIndex, of: spec.steps.length, percent, startedAt: new Date(state.stepStartedAt).toISOString(), bakeEndsAt: new Date(bakeEnds).toISOString(), bakeRemainingMs: r.status === 'running' ? Math.max(0, bakeEnds - now) : 0 },
    breach: state.breach,
    events: [...state.events],
    live: evaluation
      ? {
          windowStart: new Date(evaluation.windowStart).toISOString(),
          windowEnd: new Date(evaluation.windowEnd).toISOString(),
          variants: [summarize(evaluation.baseline), summarize(evaluation.candidate)],
          guards: evaluation.readings,
        }
      : null,
  };
}
