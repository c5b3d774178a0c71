/**
 * The attached-suite repository: at most one expectation suite per dataset, stored as an artifact and
 * recorded here. Appends to the dataset (HTTP rows, stream ingestion) validate against it.
 */

/** A suite attached to a dataset. */
export interface AttachedSuite {
  readonly dataset: string;
  /** The suite's `name`, for listings. */
  readonly suiteName: string;
  /** sha256 of the suite JSON in the artifact store. */
  readonly artifactHash: string;
  /** ISO-8601 timestamp. */
  readonly attachedAt: string;
}

/** Suites attached to datasets. */
export interface AttachedSuiteRepository {
  /** Attaches `suite` to its dataset, replacing any suite attached before. */
  attach(suite: AttachedSuite): Promise<void>;
  /** The attached suite, or null. */
  get(dataset: string): Promise<AttachedSuite | null>;
  /** Removes the attached suite; false when there was none. */
  detach(dataset: string): Promise<boolean>;
}
