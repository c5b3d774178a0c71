/**
 * The prediction-feedback repository: ground-truth labels for predictions, keyed by (project, endpoint,
 * prediction id). Recording is idempotent: the same label again changes nothing; a different label
 * replaces the current one (last wins) and both revisions stay in the history. Part of the
 * `MetadataStore` port (`metadata.feedback`); every adapter passes `capture-repositories.contract.ts`.
 */

/** One label to record. `label` is JSON text (a string, finite number or boolean). */
export interface FeedbackLabel {
  readonly predictionId: string;
  readonly labelJson: string;
}

/** The current label of a prediction. */
export interface StoredFeedback {
  readonly predictionId: string;
  readonly labelJson: string;
  /** 1 for the first label, +1 for every change. */
  readonly revision: number;
  readonly recordedAt: string;
  readonly recordedBy: string;
}

/** What one `record` call did. */
export interface FeedbackWriteCounts {
  readonly inserted: number;
  readonly updated: number;
  readonly unchanged: number;
}

/**
 * Current labels of one variant's predictions, summed in the store (one aggregate join of feedback with the
 * prediction-id index, never the rows): how many, how many are `true`/`1` and `false`/`0`, the numeric
 * ones' count, sum and sum of squared deviations from their mean, and how many labels equal the indexed
 * prediction. Rollouts read their arms' outcomes so (docs/rollouts.md).
 */
export interface VariantLabelSummary {
  readonly variant: string;
  readonly labelled: number;
  readonly trues: number;
  readonly falses: number;
  /** Labels that are JSON numbers (0 and 1 included). */
  readonly numeric: number;
  readonly sum: number;
  /** Sum of (x - mean)^2 over the numeric labels (two passes in the store, no cancellation). */
  readonly squaredDeviations: number;
  /** Labels whose prediction is indexed (not null), and those equal to it as text (`String(p) === String(label)`). */
  readonly compared: number;
  readonly correct: number;
}

/** The window of `summarizeByVariant`: predictions received in [from, to), ISO-8601 UTC. */
export interface PredictionWindow {
  readonly from: string;
  readonly to: string;
}

/** Feedback labels with their history, in the store's project (`metadata.inProject(p)`). */
export interface PredictionFeedbackRepository {
  /** Record labels (distinct ids) in one transaction; returns what changed. */
  record(endpoint: string, labels: readonly FeedbackLabel[], at: string, actor: string): Promise<FeedbackWriteCounts>;
  /** Current labels of the given ids (missing ids are absent from the map). */
  labels(endpoint: string, predictionIds: readonly string[]): Promise<Map<string, StoredFeedback>>;
  /**
   * Label summaries per variant of the endpoint's predictions received in the window, ordered by variant:
   * labels join the prediction-id index on the id; labels of ids not indexed (or indexed without a
   * variant) are ignored. A UsageError names a malformed window bound.
   */
  summarizeByVariant(endpoint: string, window: PredictionWindow): Promise<VariantLabelSummary[]>;
  /** Every revision of one prediction's label, oldest first. */
  history(endpoint: string, predictionId: string): Promise<StoredFeedback[]>;
}
