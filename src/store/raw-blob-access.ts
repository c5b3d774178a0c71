/**
 * Raw access to an artifact adapter's blobs, for decorators that store a transformed form of a blob (the
 * encrypted store) under the address of its plain bytes. Nothing here verifies a hash: the decorator that
 * transforms the bytes verifies the plain bytes against the address after undoing its transformation.
 * Both adapters (`fs/`, `s3/`) implement it; listing, stat, has and delete are the port's own (raw sizes).
 */
import type { Readable } from 'node:stream';
import type { ArtifactStore } from './artifact-store.js';

/** A byte range of a stored blob: `start` inclusive, `end` inclusive (omitted: to the end). */
export interface BlobRange {
  start: number;
  end?: number;
}

/** Unverified reads and atomic writes of stored bytes under a given address. */
export interface RawBlobAccess {
  /** A fresh local path where a caller prepares a blob before `publishStaged` (same disk as the staging area). */
  stagingPath(): string;
  /**
   * Publishes the complete, fsynced file at `staged` under `hash`, atomically (a reader sees the old blob or
   * the new one, never a mix), without checking that its bytes hash to `hash`; the staged file is consumed.
   */
  publishStaged(hash: string, staged: string): Promise<void>;
  /** Streams the stored bytes of `hash` (or a range of them) as they are. NotFoundError when missing. */
  openRaw(hash: string, range?: BlobRange): Promise<Readable>;
}

/** An artifact adapter that also gives raw access to its blobs. */
export type RawArtifactStore = ArtifactStore & RawBlobAccess;

/** Whether `store` gives raw access (both built-in adapters do). */
export function hasRawBlobAccess(store: ArtifactStore): store is RawArtifactStore {
  const s = store as Partial<RawBlobAccess>;
  return typeof s.stagingPath === 'function' && typeof s.publishStaged === 'function' && typeof s.openRaw === 'function';
}
