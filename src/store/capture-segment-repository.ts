/**
 * The capture-segment repository: the metadata index of capture segments (Parquet files of sampled
 * predictions in the `ArtifactStore`) by project, endpoint and time, plus the prediction-id index that
 * feedback checks ids against. A segment becomes visible only when its row commits, so a crash between
 * writing the blob and committing the row leaves an unreferenced blob (gc removes it), never a half-visible
 * segment. Part of the `MetadataStore` port (`metadata.captureSegments`); every adapter passes
 * `capture-repositories.contract.ts`.
 */

/** One column of a segment, as written to Parquet. */
export interface CaptureSegmentColumn {
  readonly name: string;
  /** Parquet-level type: `text`, `numeric`, `boolean`, `timestamp`. */
  readonly type: string;
  /** Where the column comes from: a fixed field, an input, the prediction, a class probability or a TreeSHAP attribution. */
  readonly role: 'field' | 'input' | 'prediction' | 'probability' | 'attribution';
}

/** A committed capture segment. */
export interface CaptureSegment {
  /** Unique id chosen by the writer (`seg_<hex>`). */
  readonly id: string;
  readonly project: string;
  readonly endpoint: string;
  /** Earliest and latest `received_at` of its rows, ISO-8601 (inclusive). */
  readonly startAt: string;
  readonly endAt: string;
  readonly rowCount: number;
  /** sha256 of the Parquet file in the `ArtifactStore`. */
  readonly artifactHash: string;
  readonly columns: readonly CaptureSegmentColumn[];
  readonly createdAt: string;
}

/** One prediction id to index: every prediction the server made, captured or not. */
export interface IndexedPrediction {
  readonly predictionId: string;
  /** ISO-8601 time the request arrived. */
  readonly receivedAt: string;
  /** The endpoint variant that answered (1-200 characters); feedback sums labels per variant by it. */
  readonly variant?: string;
  /** The prediction as text (`String(value)`, at most 200 characters; null or absent: unknown). */
  readonly prediction?: string | null;
}

/** Which segments to list (in the repository's project). */
export interface CaptureSegmentQuery {
  readonly endpoint: string;
  /** Segments with rows at or after this ISO time. */
  readonly from?: string;
  /** Segments with rows before this ISO time. */
  readonly to?: string;
}

/** Capture segments and the prediction-id index of the store's project (`metadata.inProject(p)`). */
export interface CaptureSegmentRepository {
  /**
   * Index prediction ids of one endpoint (ids already indexed are left as they are) and, when `segment`
   * is given (its `project` must be the repository's), record it; all in one transaction. A UsageError
   * names a malformed field.
   */
  record(endpoint: string, predictions: readonly IndexedPrediction[], segment?: CaptureSegment): Promise<void>;
  /** Segments overlapping [from, to), oldest first. */
  list(query: CaptureSegmentQuery): Promise<CaptureSegment[]>;
  /** The subset of `predictionIds` that is indexed for this endpoint. */
  knownPredictionIds(endpoint: string, predictionIds: readonly string[]): Promise<Set<string>>;
  /** How many predictions (captured or not) the endpoint made in [from, to) (ISO-8601): exact request counts for monitors. */
  countPredictions(endpoint: string, from: string, to: string): Promise<number>;
  /** Every artifact hash a segment of any project references (for gc). */
  artifactHashes(): Promise<string[]>;
}
