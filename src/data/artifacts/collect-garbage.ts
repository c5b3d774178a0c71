/**
 * Artifact garbage collection (`kiln gc`): deletes blobs that no metadata references. Dry run by default.
 *
 * Races with writers: a writer stores a blob first and records its hash in metadata afterwards, so a
 * blob can be unreferenced for a moment while it is being registered. Three rules keep gc from deleting
 * it: the cutoff time is fixed before the live set is read; only blobs last written before
 * `cutoff = start - grace` are candidates; and each candidate's write time is read again right before it
 * is deleted (storing existing bytes again rewrites the blob and refreshes that time). A writer is safe
 * as long as it records its reference within the grace period (default 1 hour) of storing the blob.
 * What remains is the instant between that last check and the delete, against a writer that re-stores
 * the same old bytes at that very moment.
 */
import { UsageError } from '../../core/errors.js';
import type { ArtifactStore, StoredArtifact } from '../../store/artifact-store.js';
import type { ArtifactReferenceProvider } from './artifact-references.js';
import { collectArtifactReferences } from './artifact-references.js';

/** Default grace period: blobs younger than this are never deleted. */
export const DEFAULT_GC_GRACE_MS = 60 * 60 * 1000;

/** What to do. */
export interface GarbageCollectionOptions {
  /** Delete (true) or only report (false, the default). */
  apply?: boolean;
  /** Minimum age in ms of a blob that may be deleted (default 1 hour). */
  graceMs?: number;
  /** The current time (tests). */
  now?: Date;
}

/** One unreferenced blob. */
export interface GarbageBlob {
  hash: string;
  size: number;
  modifiedAt: string;
}

/** What gc found and did (the `kiln gc --json` document). */
export interface GarbageCollectionReport {
  applied: boolean;
  location: string;
  graceSeconds: number;
  /** Blobs last written before this time were candidates. */
  cutoff: string;
  /** Blobs in the store. */
  scanned: number;
  /** Blobs a provider references. */
  referenced: number;
  /** Unreferenced but younger than the grace period: kept. */
  young: number;
  /** Unreferenced and old enough: deleted with `applied`, otherwise what would be deleted. */
  garbage: GarbageBlob[];
  /** Blobs deleted (0 in a dry run). */
  deleted: number;
  /** Bytes freed, or that would be freed in a dry run. */
  bytes: number;
  /** Referenced hashes with no blob in the store (dangling references; gc never fixes them). */
  missing: string[];
  /** The providers asked, for the report. */
  providers: string[];
}

/** Lists the store, subtracts what `providers` reference, and deletes (with `apply`) what is left and old enough. */
export async function collectGarbage(store: ArtifactStore, providers: readonly ArtifactReferenceProvider[], options: GarbageCollectionOptions = {}): Promise<GarbageCollectionReport> {
  const graceMs = options.graceMs ?? DEFAULT_GC_GRACE_MS;
  if (!Number.isFinite(graceMs) || graceMs < 0) throw new UsageError(`the grace period must be a non-negative duration (got ${graceMs} ms)`, { field: 'grace' });
  const start = options.now ?? new Date();
  const cutoff = start.getTime() - graceMs;
  // Read the live set after fixing the cutoff: a blob written before the cutoff whose reference is not
  // in this set was not referenced by a writer that finished within the grace period.
  const live = await collectArtifactReferences(providers);
  const seen = new Set<string>();
  const candidates: StoredArtifact[] = [];
  let scanned = 0;
  let young = 0;
  for await (const blob of store.list()) {
    scanned++;
    seen.add(blob.hash);
    if (live.has(blob.hash)) continue;
    if (blob.modifiedAt.getTime() >= cutoff) young++;
    else candidates.push(blob);
  }
  const garbage: GarbageBlob[] = [];
  let deleted = 0;
  let bytes = 0;
  for (const blob of candidates) {
    if (options.apply) {
      // Re-check right before deleting: a writer may have stored the same bytes again since the listing.
      const current = await store.stat(blob.hash);
      if (!current) continue;
      if (current.modifiedAt.getTime() >= cutoff) {
        young++;
        continue;
      }
      if (!(await store.delete(blob.hash))) continue;
      deleted++;
    }
    bytes += blob.size;
    garbage.push({ hash: blob.hash, size: blob.size, modifiedAt: blob.modifiedAt.toISOString() });
  }
  return {
    applied: options.apply === true,
    location: store.location,
    graceSeconds: graceMs / 1000,
    cutoff: new Date(cutoff).toISOString(),
    scanned,
    referenced: [...live].filter((h) => seen.has(h)).length,
    young,
    garbage,
    deleted,
    bytes,
    missing: [...live].filter((h) => !seen.has(h)).sort(),
    providers: providers.map((p) => p.name),
  };
}
