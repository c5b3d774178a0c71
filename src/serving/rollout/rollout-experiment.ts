/**
 * A/B and bandit looks: the whole experiment so far (every metric row since the rollout started), the
 * outcomes of both arms from feedback (`rollout-outcomes.ts`: every labelled prediction), the A/B analysis (fixed-horizon test, always-valid
 * mSPRT, sample size, verdict) and, for a bandit, the Thompson-sampling share of the candidate.
 */
import type { MetadataStore } from '../../store/metadata-store.js';
import type { RolloutRecord } from '../../store/rollout-repository.js';
import type { AbAnalysis } from './analysis/index.js';
import { thompsonAllocation } from './analysis/index.js';
import { abAnalysisOf, armOutcomes } from './rollout-outcomes.js';
import { stickyUnit } from './sticky-assignment.js';
import { emptyWindow, windowsByVariant } from './variant-window.js';
import type { VariantWindow } from './variant-window.js';

/** The experiment at one look. */
export interface ExperimentLook {
  readonly baseline: VariantWindow;
  readonly candidate: VariantWindow;
  readonly analysis: AbAnalysis | null;
  /** Why there is no analysis yet, or null. */
  readonly note: string | null;
  /** Bandit: the candidate's new share in percent (1..99), or null while the reward is unknown. */
  readonly banditPercent: number | null;
  /** Whether the outcomes are every labelled prediction (`all`) or the sampled ones. */
  readonly outcomesSource: 'all' | 'sample';
}

/** A bandit never starves an arm completely: it keeps learning about both. */
const MIN_SHARE = 1;

/** Look at `r`'s experiment at `now` (`metadata` in its project). */
export async function lookAtExperiment(metadata: MetadataStore, r: RolloutRecord, now: number): Promise<ExperimentLook> {
  const rows = await metadata.rolloutMetrics.window(r.endpoint, Date.parse(r.createdAt) - 1, now);
  const windows = windowsByVariant(rows);
  const baseline = windows.get(r.spec.baselineVariant) ?? emptyWindow(r.spec.baselineVariant, false);
  const candidate = windows.get(r.strategy === 'shadow' ? `shadow:${r.spec.candidateVariant}` : r.spec.candidateVariant) ?? emptyWindow(r.spec.candidateVariant, r.strategy === 'shadow');
  const outcomes = await armOutcomes(metadata, r, baseline, candidate, () => sampledLabels(metadata, r.endpoint, [baseline, candidate]));
  const { analysis, note } = abAnalysisOf(baseline, candidate, outcomes, r.state.ab?.alwaysValidP ?? null, r.spec.mde ?? null);
  let banditPercent: number | null = null;
  if (r.strategy === 'bandit') {
    const a = outcomes.baseline;
    const b = outcomes.candidate;
    if (a?.kind === 'rate' && b?.kind === 'rate') {
      // Seeded by rollout and look, so every process (and a rerun) computes the same split.
      const seed = Math.floor(stickyUnit(r.id, `look-${r.state.stepIndex}`) * 2 ** 31);
      const shares = thompsonAllocation([{ successes: a.successes, failures: a.trials - a.successes }, { successes: b.successes, failures: b.trials - b.successes }], { seed });
      banditPercent = Math.min(100 - MIN_SHARE, Math.max(MIN_SHARE, Math.round(shares[1] * 100)));
    }
  }
  return { baseline, candidate, analysis, note, banditPercent, outcomesSource: outcomes.source };
}

/** Feedback labels of the windows' sampled prediction ids. */
export async function sampledLabels(metadata: MetadataStore, endpoint: string, windows: readonly VariantWindow[]): Promise<Map<string, unknown>> {
  const ids = windows.flatMap((w) => w.sample.map(([id]) => id));
  const stored = ids.length > 0 ? await metadata.feedback.labels(endpoint, ids) : new Map();
  return new Map<string, unknown>([...stored].map(([id, f]) => [id, JSON.parse(f.labelJson) as unknown]));
}

