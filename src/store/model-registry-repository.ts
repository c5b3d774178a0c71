/**
 * The model registry repository (`metadata.models`): registered models, their immutable versions, aliases
 * (one version each, moved by compare-and-set), stages and the approval history. Every write that touches
 * a model takes the model row's lock first (a no-op update), so concurrent version allocations, stage
 * changes and deletes serialize per model on PostgreSQL as they do on SQLite. Rules that need the rest of
 * Kiln (gates, audit, bundle checks) live in `src/registry/`; this port keeps rows consistent.
 */
import type { Page, PageRequest } from './page.js';

/** Where a version's bytes are stored: Kiln's own bundle, or an imported ONNX graph. */
export const MODEL_FORMATS = ['kiln-bundle', 'onnx'] as const;
/** A model format. */
export type ModelFormat = (typeof MODEL_FORMATS)[number];

/** Approval states; a version starts `pending`. */
export const VERSION_STATUSES = ['pending', 'approved', 'rejected'] as const;
/** An approval state. */
export type VersionStatus = (typeof VERSION_STATUSES)[number];

/** Lifecycle stages; a version starts at `none`. */
export const VERSION_STAGES = ['none', 'staging', 'production', 'archived'] as const;
/** A stage. */
export type VersionStage = (typeof VERSION_STAGES)[number];

/** A dataset version a model version was trained or evaluated on. */
export interface ModelDatasetRef {
  name: string;
  version: number;
  /** Content hash of that version. */
  hash: string;
}

/** A version's evaluation: metrics on a named dataset version (or the run's held-out split of it). */
export interface ModelEvaluation {
  /** The dataset version evaluated on; null when unknown (a bundle file's own training metrics). */
  dataset: ModelDatasetRef | null;
  /** `full` (every row of `dataset`) or a description of the split (`holdout(seed=42)`). */
  split: string;
  /** Finite metric values by name. */
  metrics: Record<string, number>;
}

/** A gate policy as stored (parsed and checked by `src/registry/gate-policy.ts`). */
export type StoredGatePolicy = Record<string, unknown>;

/** A registered model. */
export interface RegisteredModelRecord {
  project: string;
  name: string;
  description: string | null;
  tags: Record<string, string>;
  gatePolicy: StoredGatePolicy | null;
  latestVersion: number;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
}

/** What `ensureModel` creates when the model does not exist yet. */
export interface NewRegisteredModel {
  project: string;
  name: string;
  description?: string | null;
  tags?: Record<string, string>;
  createdAt: string;
  createdBy: string;
}

/** Where a version came from. */
export interface ModelVersionSource {
  kind: 'run' | 'file' | 'bytes';
  runId: string | null;
  /** A label for files and uploads (basename or `upload:NAME`), never trusted as a path. */
  file: string | null;
}

/** A new version (its number is allocated by the repository). */
export interface NewModelVersion {
  project: string;
  name: string;
  format: ModelFormat;
  /** sha256 of the stored bytes in the ArtifactStore. */
  artifactHash: string;
  /** The bundle's own checksum (kiln-bundle) or the sha256 of the bytes (onnx). */
  checksum: string;
  size: number;
  source: ModelVersionSource;
  description?: string | null;
  tags?: Record<string, string>;
  task: string | null;
  algorithm: string | null;
  evaluation: ModelEvaluation | null;
  trainingDatasets: ModelDatasetRef[];
  parentVersion: number | null;
  createdAt: string;
  createdBy: string;
}

/** A stored version. */
export interface ModelVersionRecord extends Omit<NewModelVersion, 'description' | 'tags'> {
  version: number;
  status: VersionStatus;
  stage: VersionStage;
  description: string | null;
  tags: Record<string, string>;
}

/** A version with the aliases that point at it (what reference resolution returns). */
export interface ResolvedModelVersion extends ModelVersionRecord {
  aliases: string[];
}

/** An alias and the version it points at. */
export interface ModelAliasRecord {
  alias: string;
  version: number;
  updatedAt: string;
  updatedBy: string;
}

/** One entry of the approval history: a decision, or a gate override. */
export interface ModelApprovalRecord {
  version: number;
  decision: 'approved' | 'rejected' | 'override';
  actor: string;
  at: string;
  comment: string | null;
}

/** How to select a version of a model. */
export type VersionSelector = { kind: 'version'; version: number } | { kind: 'alias'; alias: string } | { kind: 'stage'; stage: 'production' | 'staging' } | { kind: 'latest' };

/** Compare-and-set expectation: the alias must currently point at this version (null = must not exist). */
export type ExpectedVersion = number | null | undefined;

/** Result of an alias change. */
export interface AliasChange {
  alias: string;
  before: number | null;
  after: number | null;
}

/** Result of a stage change. */
export interface StageChange {
  version: number;
  before: VersionStage;
  after: VersionStage;
  /** Other versions moved from production to archived by the same transaction. */
  archived: number[];
}

/** The model versions and runs built from one dataset version. */
export interface DatasetUsage {
  modelVersions: { project: string; name: string; version: number; role: 'training' | 'evaluation' }[];
  runIds: string[];
}

/** Registered models, versions, aliases, stages and approvals. */
export interface ModelRegistryRepository {
  /** Returns the model, creating it when missing (idempotent). */
  ensureModel(model: NewRegisteredModel): Promise<RegisteredModelRecord>;
  /** One model, or null. */
  getModel(project: string, name: string): Promise<RegisteredModelRecord | null>;
  /** Models of a project by name, keyset-paged. */
  listModels(project: string, page?: PageRequest): Promise<Page<RegisteredModelRecord>>;
  /** Updates description, tags or gate policy (undefined = unchanged); NotFoundError when missing. */
  updateModel(project: string, name: string, patch: { description?: string | null; tags?: Record<string, string>; gatePolicy?: StoredGatePolicy | null; updatedAt: string }): Promise<RegisteredModelRecord>;
  /** Allocates the next version number and stores the version, atomically; the model must exist. */
  createVersion(version: NewModelVersion): Promise<ModelVersionRecord>;
  /** One version, or null. */
  getVersion(project: string, name: string, version: number): Promise<ModelVersionRecord | null>;
  /** Newest first, keyset-paged; NotFoundError when the model does not exist. */
  listVersions(project: string, name: string, page?: PageRequest): Promise<Page<ModelVersionRecord>>;
  /** The selected version with its aliases in one indexed query; null when nothing matches. */
  resolve(project: string, name: string, selector: VersionSelector): Promise<ResolvedModelVersion | null>;
  /** Updates a version's description or tags (the rest is immutable). */
  updateVersion(project: string, name: string, version: number, patch: { description?: string | null; tags?: Record<string, string> }): Promise<ModelVersionRecord>;
  /** Points `alias` at `version`. `expected` (when not undefined) must match the current target, or ConflictError. */
  setAlias(project: string, name: string, alias: string, version: number, expected: ExpectedVersion, at: string, by: string): Promise<AliasChange>;
  /** Removes an alias (NotFoundError when it does not exist; ConflictError when `expected` differs). */
  removeAlias(project: string, name: string, alias: string, expected: ExpectedVersion): Promise<AliasChange>;
  /** Aliases of a model by name. */
  listAliases(project: string, name: string): Promise<ModelAliasRecord[]>;
  /** Sets a version's stage; with `archiveOtherProduction`, other production versions become archived in the same transaction. */
  setStage(project: string, name: string, version: number, stage: VersionStage, archiveOtherProduction: boolean): Promise<StageChange>;
  /** Records a decision (and, for approve/reject, sets the status) in one transaction; returns the updated version. */
  recordApproval(project: string, name: string, approval: ModelApprovalRecord): Promise<ModelVersionRecord>;
  /** The approval history of a model (or one version), oldest first. */
  listApprovals(project: string, name: string, version?: number): Promise<ModelApprovalRecord[]>;
  /** Deletes a version; ConflictError while an alias points at it or it is in staging/production. */
  deleteVersion(project: string, name: string, version: number): Promise<ModelVersionRecord>;
  /** Model versions and runs of `project` that read its dataset version `name@version`. */
  datasetUsage(project: string, name: string, version: number): Promise<DatasetUsage>;
  /** Every stored artifact hash of every version, for gc. */
  artifactHashes(batchSize?: number): AsyncIterable<string>;
}
