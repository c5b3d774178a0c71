/**
 * Prediction ids that say which arm of a rollout answered: while a rollout runs, serving prefixes each
 * prediction id with the rollout's tag and the arm — `ro<12 hex of the rollout id>-a-<uuid>` for the stable
 * variant, `-b-` for the candidate, `-s-` for a shadow candidate's copies. Feedback arrives by prediction
 * id, so the store can sum every label of the rollout per arm in one aggregate query
 * (`metadata.feedback.summarizeTagged`) — all labelled outcomes, not a sample — without a variant column in
 * the prediction-id index (that would need a migration). Ids stay opaque strings of at most 200 characters.
 */
import type { RolloutRecord } from '../../store/rollout-repository.js';

/** The arm of a rollout a prediction came from. */
export type RolloutArm = 'a' | 'b' | 's';

/** The tag of a rollout's prediction ids: `ro` + the first 12 hex digits of its id (`ro-<uuid>`). */
export function rolloutIdTag(rolloutId: string): string {
  const hex = rolloutId.replace(/[^0-9a-f]/g, '').slice(0, 12);
  return `ro${hex.padEnd(12, '0')}`;
}

/** The prefix of prediction ids of `arm` in rollout `r`. */
export function armIdPrefix(r: RolloutRecord, arm: RolloutArm): string {
  return `${rolloutIdTag(r.id)}-${arm}-`;
}

/** The live arm of a variant in rollout `r`, or null for a variant that is neither stable nor candidate. */
export function liveArmOf(r: RolloutRecord, variant: string): RolloutArm | null {
  if (variant === r.spec.baselineVariant) return 'a';
  if (variant === r.spec.candidateVariant) return 'b';
  return null;
}

/** The candidate's arm: its shadow copies for a shadow rollout, its live traffic otherwise. */
export function candidateArm(r: RolloutRecord): RolloutArm {
  return r.strategy === 'shadow' ? 's' : 'b';
}
