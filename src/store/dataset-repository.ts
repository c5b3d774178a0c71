/**
 * The dataset repository: versioned dataset registrations. Part of the `MetadataStore` port; every
 * adapter implements it with the same semantics (checked by `metadata-store.contract.ts`).
 */

/** What a caller registers: one immutable version of a named dataset. */
export interface NewDatasetVersion {
  name: string;
  /** Content hash of the data (identifies the version's content; equal hashes are the same version). */
  hash: string;
  rows: number;
  columns: number;
  bytes: number;
  /** Any JSON-serializable value; stored verbatim and returned parsed. */
  schema: unknown;
  /** Any JSON-serializable value; stored verbatim and returned parsed. */
  profile: unknown;
  /** sha256 of the stored data artifact in the `ArtifactStore`. */
  artifactHash: string;
  /** Storage format of the artifact, e.g. `parquet`. */
  format: string;
  /** Where the data came from (path or URL), if known. */
  source: string | null;
  /** ISO-8601 timestamp, stored verbatim. */
  createdAt: string;
}

/** A dataset version without its (possibly large) schema and profile documents. */
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

/** A dataset version with its schema and profile. */
export interface DatasetVersionRecord extends DatasetVersionSummary {
  schema: unknown;
  profile: unknown;
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

/** Versioned dataset metadata. */
export interface DatasetRepository {
  /**
   * Registers the next version (1, 2, 3, ...) of `input.name`, atomically. If a version with the same
   * content `hash` already exists under that name, returns it with `created: false` instead.
   */
  createDatasetVersion(input: NewDatasetVersion): Promise<DatasetVersionRegistration>;
  /** One version (or the latest), or null when the name or version does not exist. */
  getDatasetVersion(name: string, version: number | 'latest'): Promise<DatasetVersionRecord | null>;
  /** Every dataset, ordered by name. */
  listDatasets(): Promise<DatasetSummary[]>;
  /** The versions of one dataset, oldest first; empty when the name is unknown. */
  listDatasetVersions(name: string): Promise<DatasetVersionSummary[]>;
}
