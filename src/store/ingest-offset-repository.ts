/**
 * The ingest-offset repository: for each (dataset, stream source) pair, the last stream position whose
 * message is reflected in a dataset version. A stream ingester commits it in the same metadata
 * transaction that creates the version, which is what makes ingestion exactly-once into versions.
 * Positions are opaque strings to the repository; the stream adapter knows how to order them.
 */

/** A committed consumer position. */
export interface IngestOffset {
  /** Dataset the stream is ingested into. */
  readonly dataset: string;
  /** Stream source id, e.g. `nats:orders` or `redis-stream:events`. */
  readonly source: string;
  /** Last position reflected in the dataset (JetStream stream sequence, Redis stream id). */
  readonly position: string;
  /** Dataset version created with this commit; null when the flush only quarantined messages. */
  readonly version: number | null;
  /** ISO-8601 timestamp of the commit. */
  readonly committedAt: string;
}

/** Committed stream positions, one per (dataset, source). */
export interface IngestOffsetRepository {
  /** The committed position, or null when nothing was committed for this pair yet. */
  get(dataset: string, source: string): Promise<IngestOffset | null>;
  /**
   * Records `offset` if the stored position still equals `expected` (null: none stored yet); otherwise
   * a ConflictError, because another ingester moved the position and this one's batch may duplicate.
   */
  commit(offset: IngestOffset, expected: string | null): Promise<void>;
  /** Every committed position of one dataset, ordered by source. */
  list(dataset: string): Promise<IngestOffset[]>;
}
