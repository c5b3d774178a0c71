/**
 * The rollout repository (`metadata.rollouts`): one row per rollout of a new model version onto a serving
 * endpoint, with its plan (`spec`) and its progress (`state`) as JSON documents. At most one rollout per
 * endpoint is running (`create` refuses a second with a ConflictError, enforced by a unique index, so two
 * processes racing both cannot win). Several serving processes watch the same rows; exactly one advances
 * a rollout at a time: it `claim`s a lease (compare-and-set on owner and expiry), and every state change
 * is a compare-and-set on `revision`. Held to its semantics by `rollout-repository.contract.ts`.
 */

/** How traffic moves to the new version. */
export type RolloutStrategy = 'blue-green' | 'canary' | 'linear' | 'shadow' | 'ab' | 'bandit';

/** The strategies, in the order the CLI lists them. */
export const ROLLOUT_STRATEGIES: readonly RolloutStrategy[] = ['blue-green', 'canary', 'linear', 'shadow', 'ab', 'bandit'];

/** Where a rollout stands: running until it is promoted, rolled back (by a guard or a person) or aborted. */
export type RolloutStatus = 'running' | 'promoted' | 'rolled_back' | 'aborted';

/** The plan of a rollout, fixed at start (plain JSON). */
export interface RolloutSpec {
  /** The model reference the candidate serves (`NAME@VERSION`, `trained:ID`, a bundle path). */
  readonly to: string;
  /** The stable variant's name and model when the rollout started. */
  readonly baselineVariant: string;
  readonly baselineModel: string;
  /** The candidate's variant name on the endpoint. */
  readonly candidateVariant: string;
  /** The endpoint's variants before the rollout: what a rollback restores. */
  readonly originalVariants: readonly { name: string; model: string; weight: number }[];
  /** Candidate traffic share per step, in percent (last = 100 for canary, linear, blue/green). */
  readonly steps: readonly number[];
  /** Baking time of each step in milliseconds. */
  readonly bakeMs: number;
  /** Guard expressions as written (`error_rate < 0.01`). */
  readonly guards: readonly string[];
  /** Length of the metric window the guards look at (ms); the step's start bounds it too. */
  readonly windowMs: number;
  /** Requests the candidate needs in the window before a guard is judged. */
  readonly minRequests: number;
  /** A/B and bandit: the request field (or `header:NAME`) whose hash picks the variant; null = random. */
  readonly stickyKey: string | null;
  /** Shadow: share of live requests copied to the candidate (0..1]. */
  readonly shadowSampleRate: number;
  /** A/B: fixed weights (percent, baseline then candidate). */
  readonly weights: readonly number[] | null;
  /** Registry alias moved to the new version on promotion (`--promote-alias`), or null. */
  readonly promoteAlias: string | null;
  /** A/B and bandit: the smallest difference worth detecting (sizes the test and its mSPRT mixture); null = 10% of the control's metric. */
  readonly mde?: number | null;
  /** Set when a failing registry gate was waived (`--override --reason`). */
  readonly override: { readonly reason: string } | null;
}

/** One thing that happened to a rollout (kept in `state.events`, newest last, bounded). */
export interface RolloutEventEntry {
  readonly at: string;
  readonly kind: string;
  readonly message: string;
  readonly details?: Record<string, unknown>;
}

/** Why a guard rolled a rollout back. */
export interface RolloutBreach {
  readonly guard: string;
  readonly metric: string;
  readonly variant: string;
  readonly value: number;
  readonly threshold: number;
  readonly op: string;
  /** The window the value was measured over (epoch ms) and its request count. */
  readonly windowStart: number;
  readonly windowEnd: number;
  readonly requests: number;
  readonly at: string;
}

/** Progress of a rollout (plain JSON). */
export interface RolloutState {
  /** Index into `spec.steps` of the step now baking. */
  readonly stepIndex: number;
  /** When the current step's traffic was set (epoch ms). */
  readonly stepStartedAt: number;
  readonly breach: RolloutBreach | null;
  readonly events: readonly RolloutEventEntry[];
  /** A/B and bandit: the last look of the sequential test (its p-value only ever decreases). */
  readonly ab?: { readonly alwaysValidP: number; readonly verdict: string; readonly at: string } | null;
  /** Bandit: the candidate's current share in percent (Thompson sampling moves it every bake). */
  readonly candidatePercent?: number;
}

/** A rollout as stored. */
export interface RolloutRecord {
  readonly project: string;
  readonly id: string;
  readonly endpoint: string;
  readonly strategy: RolloutStrategy;
  readonly status: RolloutStatus;
  readonly spec: RolloutSpec;
  readonly state: RolloutState;
  readonly actor: string;
  /** The process holding the lease to advance it, and until when (epoch ms). */
  readonly leaseOwner: string | null;
  readonly leaseUntil: number | null;
  readonly revision: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly finishedAt: string | null;
}

/** What a caller creates (in the repository's project). */
export interface NewRollout {
  readonly id: string;
  readonly endpoint: string;
  readonly strategy: RolloutStrategy;
  readonly spec: RolloutSpec;
  readonly state: RolloutState;
  readonly actor: string;
  readonly createdAt: string;
}

/** A change of progress; fails with a ConflictError unless the stored revision is `expectedRevision`. */
export interface RolloutUpdate {
  readonly status: RolloutStatus;
  readonly state: RolloutState;
  readonly updatedAt: string;
  readonly expectedRevision: number;
}

/** Rollouts of the store's project (`metadata.inProject(p).rollouts` for another). */
export interface RolloutRepository {
  /** Creates a running rollout; ConflictError when one is already running on the endpoint. */
  create(input: NewRollout): Promise<RolloutRecord>;
  /** One rollout by id, or null. */
  get(id: string): Promise<RolloutRecord | null>;
  /** The running rollout of an endpoint, or null. */
  active(endpoint: string): Promise<RolloutRecord | null>;
  /** Rollouts of an endpoint, newest first (at most `limit`, default 20). */
  history(endpoint: string, limit?: number): Promise<RolloutRecord[]>;
  /** Every running rollout of every project (serving processes watch them all). */
  listRunning(): Promise<RolloutRecord[]>;
  /** Compare-and-set on revision; a finished status frees the endpoint for the next rollout. */
  update(id: string, update: RolloutUpdate): Promise<RolloutRecord>;
  /**
   * Takes or renews the lease of a running rollout for `owner` until `now + leaseMs`: succeeds when the
   * lease is free, expired or already `owner`'s; false otherwise (another process advances it).
   */
  claim(id: string, owner: string, now: number, leaseMs: number): Promise<boolean>;
}
