/**
 * The dataset repository (`metadata.datasets`): versioned dataset registrations. Every adapter
 * implements it with the same semantics, held to them by `dataset-repository.contract.ts`. Large
 * documents (the profile; the schema when wide) live in the artifact store and are referenced here by
 * hash, with a bounded summary inline, so a metadata row stays small whatever the table's width.
 */
import type { Page, PageRequest } from './page.js';
import type { StoredDocument } from './stored-document.js';

/** Largest inline summary (JSON text length); summaries are meant to be a few KiB. */
export const MAX_SUMMARY_BYTES = 64 * 1024;

/** What a caller registers: one immutable version of a named dataset. */
export interface NewDatasetVersion {
  name: string;
  /** Content hash of the data (identifies the version's content; equal hashes are the same version). */
  hash: string;
  rows: number;
  columns: number;
  bytes: number;
  /** The schema document: inline when small, else an artifact. */
  schema: StoredDocument;
  /** The profile document: inline when small, else an artifact. */
  profile: StoredDocument;
  /** A bounded summary (at most `MAX_SUMMARY_BYTES` of JSON) shown without reading artifacts; null if none. */
  summary: unknown;
  /** sha256 of the stored data artifact in the `ArtifactStore`. */
  artifactHash: string;
  /** Storage format of the artifact, e.g. `parquet`. */
  format: string;
  /** Where the data came from (path, URL or reference), if known. */
  source: string | null;
  /** ISO-8601 timestamp, stored verbatim. */
  createdAt: string;
}

/** A dataset version without its documents. */
export interface DatasetVersionSummary {
  name: string;
  version: number;
  hash: string;
  rows: number;
  columns: number;
  bytes: number;
  artifactHash: string;
  format: string;
  source: string | null;
  createdAt: string;
}

/** A dataset version with its documents (artifact-backed ones as references) and summary. */
export interface DatasetVersionRecord extends DatasetVersionSummary {
  schema: StoredDocument;
  profile: StoredDocument;
  /** Null for versions registered before migration 2, or registered without one. */
  summary: unknown;
}

/** One line per dataset name. */
export interface DatasetSummary {
  name: string;
  latestVersion: number;
  /** How many versions the dataset has. */
  versions: number;
  /** `createdAt` of the latest version. */
  updatedAt: string;
}

/** Result of a registration: the version number and whether a new version was written. */
export interface DatasetVersionRegistration {
  version: number;
  created: boolean;
}

/**
 * Versioned dataset metadata of one project (`metadata.inProject(p).datasets`): names, versions and
 * lists never reach another project's rows; the gc methods (`countArtifactReferences`,
 * `artifactHashes`) span every project.
 */
export interface DatasetRepository {
  /**
   * Registers the next version (1, 2, 3, ...) of `input.name`, atomically. If a version with the same
   * content `hash` already exists under that name, returns it with `created: false` instead.
   */
  createVersion(input: NewDatasetVersion): Promise<DatasetVersionRegistration>;
  /** One version (or the latest), or null when the name or version does not exist; a version that is not a positive safe integer is a UsageError. */
  getVersion(name: string, version: number | 'latest'): Promise<DatasetVersionRecord | null>;
  /** Datasets ordered by name, one page at a time. */
  list(page?: PageRequest): Promise<Page<DatasetSummary>>;
  /** The versions of one dataset, oldest first, one page at a time; empty when the name is unknown. */
  listVersions(name: string, page?: PageRequest): Promise<Page<DatasetVersionSummary>>;
  /** How many versions reference the artifact `hash` (data, schema or profile); 0 means it is unreferenced. */
  countArtifactReferences(hash: string): Promise<number>;
  /** Every artifact hash any version references (data, schema, profile), streamed in batches, for gc. */
  artifactHashes(batchSize?: number): AsyncIterable<string>;
  /** Every version stored in `format`, in every project (gc follows `parquet-parts` manifests to their parts). */
  versionsInFormat(format: string, batchSize?: number): AsyncIterable<DatasetVersionSummary>;
}
