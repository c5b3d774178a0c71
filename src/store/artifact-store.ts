/**
 * The `ArtifactStore` port: a content-addressed blob store keyed by the sha256 of the bytes. Writes are
 * atomic (a reader never sees a partial blob) and reads verify the hash, so a corrupted blob is an
 * error, never silently wrong data. The port assumes no local disk: readers that need a file path
 * (DuckDB) call `materialize`. Adapters: filesystem (`fs/`) and S3-compatible object storage (`s3/`).
 */
import type { Readable } from 'node:stream';

/** A stored blob: its sha256 (64 lowercase hex characters) and size in bytes. */
export interface ArtifactRef {
  hash: string;
  size: number;
}

/** A blob as the backend lists it, with the time it was last written (for gc's grace period). */
export interface StoredArtifact extends ArtifactRef {
  modifiedAt: Date;
}

/** Content-addressed, verified blob storage. */
export interface ArtifactStore {
  /** Where the blobs live, for messages (`/path/to/artifacts`, `s3://bucket/prefix`). */
  readonly location: string;
  /**
   * Stores bytes. Storing the same bytes twice returns the same ref and rewrites the blob, which
   * repairs a corrupted copy and refreshes its `modifiedAt` (gc's grace period relies on that).
   */
  put(bytes: Uint8Array): Promise<ArtifactRef>;
  /** Stores a stream without holding it in memory; nothing is stored if the stream fails. */
  putStream(source: AsyncIterable<Uint8Array>): Promise<ArtifactRef>;
  /** Stores a file by streaming it. */
  putFile(path: string): Promise<ArtifactRef>;
  /** Reads a whole blob and verifies its hash (InternalError 'corrupted' on mismatch). */
  get(hash: string): Promise<Uint8Array>;
  /** Streams a blob; the stream errors at its end if the bytes do not match the hash. */
  openReadStream(hash: string): Promise<Readable>;
  /**
   * A local file holding the blob's verified bytes, for readers that need a path (DuckDB). Remote
   * adapters fill a bounded local cache; the filesystem adapter returns the blob itself. The caller
   * must not modify the file. NotFoundError when the blob is missing.
   */
  materialize(hash: string): Promise<string>;
  /** Whether a blob is stored. */
  has(hash: string): Promise<boolean>;
  /** Size and last write time of a blob, or null when it is missing. */
  stat(hash: string): Promise<StoredArtifact | null>;
  /** Every blob in the store, in no particular order (for gc); objects that are not blobs are skipped. */
  list(): AsyncIterable<StoredArtifact>;
  /** Removes a blob; false if it was not there. */
  delete(hash: string): Promise<boolean>;
}
