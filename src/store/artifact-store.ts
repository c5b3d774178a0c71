/**
 * The `ArtifactStore` port: a content-addressed blob store keyed by the sha256 of the bytes. Writes are
 * atomic (a reader never sees a partial blob) and reads verify the hash, so a corrupted blob is an
 * error, never silently wrong data. Adapters: filesystem now, S3-compatible later.
 */
import type { Readable } from 'node:stream';

/** A stored blob: its sha256 (64 lowercase hex characters) and size in bytes. */
export interface ArtifactRef {
  hash: string;
  size: number;
}

/** Content-addressed, verified blob storage. */
export interface ArtifactStore {
  /** Where the blobs live, for messages (`/path/to/artifacts`, `s3://bucket/prefix`). */
  readonly location: string;
  /** Stores bytes; storing the same bytes twice is a no-op that returns the same ref. */
  put(bytes: Uint8Array): Promise<ArtifactRef>;
  /** Stores a stream without holding it in memory; nothing is stored if the stream fails. */
  putStream(source: AsyncIterable<Uint8Array>): Promise<ArtifactRef>;
  /** Stores a file by streaming it. */
  putFile(path: string): Promise<ArtifactRef>;
  /** Reads a whole blob and verifies its hash (InternalError 'corrupted' on mismatch). */
  get(hash: string): Promise<Uint8Array>;
  /** Streams a blob; the stream errors at its end if the bytes do not match the hash. */
  openReadStream(hash: string): Promise<Readable>;
  /** A local file path for the blob, for readers that want a path (DuckDB); null if not local or missing. */
  getPath?(hash: string): Promise<string | null>;
  /** Whether a blob is stored. */
  has(hash: string): Promise<boolean>;
  /** Removes a blob; false if it was not there. */
  delete(hash: string): Promise<boolean>;
}
