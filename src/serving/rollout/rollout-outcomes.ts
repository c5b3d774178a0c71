/**
 * Outcomes of a rollout's variants joined from feedback, and what the A/B statistics (`analysis/`) and the
 * bandit make of them. The label decides the outcome kind:
 * - booleans, or numbers that are all 0/1: a conversion **rate** (label true/1 = success);
 * - other numbers: a **mean** outcome (revenue, rating), summary statistics for Welch's test;
 * - strings (class labels): a **rate** of correct predictions (prediction equal to its label).
 * All three come from **every** labelled prediction of the rollout: the prediction-id index holds each
 * prediction's variant and predicted value, and the store sums the labels per variant over the rollout's
 * window (`metadata.feedback.summarizeByVariant`, one join). Rollouts whose predictions were indexed
 * without a variant (before migration 018) fall back to the sampled prediction ids (`outcomesOf`).
 */
import type { MetadataStore } from '../../store/metadata-store.js';
import type { VariantLabelSummary } from '../../store/prediction-feedback-repository.js';
import type { RolloutRecord } from '../../store/rollout-repository.js';
import type { AbAnalysis, AbOutcomes } from './analysis/index.js';
import { analyzeAb } from './analysis/index.js';
import type { VariantWindow } from './variant-window.js';

/** Outcomes of both arms and where they came from. */
export interface ArmOutcomes {
  readonly baseline: AbOutcomes | null;
  readonly candidate: AbOutcomes | null;
  /** `all`: every labelled prediction of the rollout (summed in the store); `sample`: the sampled ids. */
  readonly source: 'all' | 'sample';
}

/** The latest time an ISO-8601 prediction time can take: the window of a running rollout ends there. */
const END_OF_TIME = '9999-12-31T23:59:59.999Z';

/**
 * The outcome of one arm's label summary, as `outcomesOf` reads the same labels: a rate, a mean, else the
 * rate of labels equal to their prediction; null without labels (or without indexed predictions to compare).
 */
export function outcomesOfSummary(g: VariantLabelSummary | undefined): AbOutcomes | null {
  if (!g || g.labelled === 0) return null;
  if (g.trues + g.falses === g.labelled) return { kind: 'rate', successes: g.trues, trials: g.labelled };
  if (g.numeric === g.labelled) return { kind: 'mean', mean: g.sum / g.numeric, variance: g.numeric > 1 ? g.squaredDeviations / (g.numeric - 1) : 0, n: g.numeric };
  if (g.compared > 0) return { kind: 'rate', successes: g.correct, trials: g.compared };
  return null;
}

/**
 * Both arms' outcomes from every labelled prediction received since the rollout started (until it
 * finished), summed per variant in the store; falls back to the sampled ids (`labels` joined on
 * `w.sample`) when no labelled prediction of the window carries a variant. A shadow candidate's copies are
 * indexed under the candidate's variant; they are never answered, so they have no labels.
 */
export async function armOutcomes(metadata: MetadataStore, r: RolloutRecord, baseline: VariantWindow, candidate: VariantWindow, labels: () => Promise<ReadonlyMap<string, unknown>>): Promise<ArmOutcomes> {
  const groups = await metadata.feedback.summarizeByVariant(r.endpoint, { from: isoOf(r.createdAt), to: r.finishedAt ? isoOf(r.finishedAt) : END_OF_TIME });
  const a = groups.find((g) => g.variant === r.spec.baselineVariant);
  const b = groups.find((g) => g.variant === r.spec.candidateVariant);
  const all = { baseline: outcomesOfSummary(a), candidate: outcomesOfSummary(b) };
  const aggregable = (g: VariantLabelSummary | undefined, o: AbOutcomes | null): boolean => !g || o !== null;
  if ((a || b) && aggregable(a, all.baseline) && aggregable(b, all.candidate)) return { ...all, source: 'all' };
  const sampled = await labels();
  return { baseline: outcomesOf(baseline, sampled), candidate: outcomesOf(candidate, sampled), source: 'sample' };
}

/** A stored time in the store's ISO-8601 form (millisecond precision, UTC). */
function isoOf(at: string): string {
  return new Date(at).toISOString();
}

/** The outcomes of one variant, or null when none of its sampled predictions has a label. */
export function outcomesOf(w: VariantWindow, labels: ReadonlyMap<string, unknown>): AbOutcomes | null {
  const pairs: [string | number, unknown][] = [];
  for (const [id, p] of w.sample) if (labels.has(id)) pairs.push([p, labels.get(id)]);
  if (pairs.length === 0) return null;
  const values = pairs.map(([, l]) => l);
  if (values.every((v) => typeof v === 'boolean' || v === 0 || v === 1)) {
    return { kind: 'rate', successes: values.filter((v) => v === true || v === 1).length, trials: values.length };
  }
  if (values.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    const xs = values as number[];
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const variance = xs.length > 1 ? xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1) : 0;
    return { kind: 'mean', mean, variance, n: xs.length };
  }
  return { kind: 'rate', successes: pairs.filter(([p, l]) => String(p) === String(l)).length, trials: pairs.length };
}

/** The A/B analysis of candidate against baseline, or null with the reason it cannot be made yet. */
export function abAnalysisOf(baseline: VariantWindow, candidate: VariantWindow, outcomes: ArmOutcomes, previousP: number | null, mde: number | null = null): { analysis: AbAnalysis | null; note: string | null } {
  const a = outcomes.baseline;
  const b = outcomes.candidate;
  if (!a || !b) return { analysis: null, note: 'waiting for feedback: no labelled outcomes yet on both variants (POST /v1/endpoints/{name}/feedback)' };
  if (a.kind !== b.kind) return { analysis: null, note: `the variants' labels disagree in kind (${a.kind} vs ${b.kind})` };
  if (a.kind === 'mean' && b.kind === 'mean' && (a.n < 2 || b.n < 2)) return { analysis: null, note: 'waiting for feedback: a mean outcome needs two labelled predictions per variant' };
  try {
    const analysis = analyzeAb({
      variants: [
        { name: baseline.variant, requests: baseline.requests, outcomes: a },
        { name: candidate.variant, requests: candidate.requests, outcomes: b },
      ],
      ...(mde !== null ? { mde } : {}),
      ...(previousP !== null ? { sequential: { previousPValues: { [candidate.variant]: previousP } } } : {}),
    });
    return { analysis, note: null };
  } catch (err) {
    return { analysis: null, note: `no analysis yet: ${err instanceof Error ? err.message : String(err)}` };
  }
}
