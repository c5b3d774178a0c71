/**
 * Outcomes of a rollout's variants, joined from feedback on the sampled prediction ids, and what the A/B
 * statistics (`analysis/`) and the bandit make of them. The label decides the outcome kind:
 * - booleans, or numbers that are all 0/1: a conversion **rate** (label true/1 = success);
 * - other numbers: a **mean** outcome (revenue, rating), summary statistics for Welch's test;
 * - strings (class labels): a **rate** of correct predictions (prediction equal to its label).
 * Only sampled predictions (up to 64 per variant per process per second) carry ids, so outcomes are a
 * sample of the traffic; requests are counted in full.
 */
import type { AbAnalysis, AbOutcomes } from './analysis/index.js';
import { analyzeAb } from './analysis/index.js';
import type { VariantWindow } from './variant-window.js';

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
export function abAnalysisOf(baseline: VariantWindow, candidate: VariantWindow, labels: ReadonlyMap<string, unknown>, previousP: number | null, mde: number | null = null): { analysis: AbAnalysis | null; note: string | null } {
  const a = outcomesOf(baseline, labels);
  const b = outcomesOf(candidate, labels);
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
