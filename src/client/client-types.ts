/**
 * The wire types `kiln/client` returns: the JSON the server's routes answer (src/server/schemas/), written
 * out here because the client may import nothing but `core` (it runs in browsers). A test checks the
 * client's calls against the server's OpenAPI document.
 */

/** A keyset page: `next` is the cursor of the following page, null on the last. */
export interface PageRequest {
  limit?: number;
  cursor?: string | null;
}

/** `GET /healthz`. */
export interface Health {
  status: 'ok';
  version: string;
}

/** `GET /v1/whoami`. */
export interface Whoami {
  actor: string;
  kind: string;
  superuser: boolean;
  project: string;
  roles: string[];
}

/** One line per dataset. */
export interface DatasetSummary {
  name: string;
  latestVersion: number;
  versions: number;
  updatedAt: string;
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

/** A dataset version with its schema and profile. */
export interface DatasetVersionDetails extends DatasetVersionSummary {
  schema: unknown;
  profile: unknown;
}

/** What registering answers; `created` is false when the same content was already registered. */
export interface DatasetRegistration {
  name: string;
  version: number;
  hash: string;
  rows: number;
  columns: number;
  bytes: number;
  created: boolean;
  source: string;
  createdAt: string;
}

/** File formats an upload may be in. */
export type UploadFormat = 'csv' | 'parquet' | 'json' | 'ndjson';

/** A file sent as the body: bytes (or text, or a Blob in browsers) and its format. */
export interface Upload {
  body: string | Uint8Array | Blob;
  format: UploadFormat;
  /** Recorded as the source `upload:<filename>`. */
  filename?: string;
}

/** A model recorded by training. */
export interface TrainedModel {
  id: string;
  artifactHash: string;
  algorithm: string;
  task: string;
  target: string;
  sourceKind: 'dataset' | 'file' | 'frame';
  dataset: { name: string; version: number; hash: string } | null;
  params: Record<string, unknown>;
  metrics: Record<string, number>;
  createdAt: string;
}

/** `POST /v1/train`. */
export interface TrainRequest {
  /** A registered dataset version, NAME@VERSION or NAME@latest. */
  dataset: string;
  target: string;
  algo?: string;
  task?: string;
  params?: Record<string, unknown>;
  seed?: number;
  testFraction?: number;
  validFraction?: number;
  cv?: number;
  group?: string;
  exclude?: string[];
  positiveClass?: string;
}

/** What training answers. */
export interface TrainResult {
  model: TrainedModel;
  task: string;
  algo: string;
  metrics: Record<string, number | null>;
  bestIteration: number | null;
  rows: { train: number; valid: number; test: number };
  features: number;
  cv?: unknown;
  warnings: string[];
  checksum: string;
}

/** An experiment. */
export interface Experiment {
  id: string;
  project: string;
  name: string;
  description: string | null;
  createdAt: string;
}

/** A param value; numbers and booleans are stored as their string form. */
export type ParamValue = string | number | boolean;

/** A metric point: step defaults to 0, timestamp (epoch ms) to the server's now. NaN and ±Infinity are kept. */
export interface MetricInput {
  key: string;
  value: number;
  step?: number;
  timestamp?: number;
}

/** How to start a run (as `kiln.tracking.startRun`). */
export interface StartRunOptions {
  experiment?: string;
  name?: string;
  parentId?: string;
  seed?: number;
  params?: Record<string, ParamValue>;
  tags?: Record<string, string>;
}

/** A run as lists show it; metric values are numbers again (NaN and ±Infinity travel as strings). */
export interface RunSummary {
  id: string;
  experiment: string;
  experimentId: string;
  name: string | null;
  status: string;
  parentId: string | null;
  params: Record<string, string>;
  metrics: Record<string, number>;
  tags: Record<string, string>;
  startedAt: string;
  endedAt: string | null;
  createdBy: string | null;
  [key: string]: unknown;
}

/** An artifact listed on a run. */
export interface RunArtifact {
  path: string;
  hash: string;
  size: number;
}

/** One run with everything logged to it (series, artifacts, inputs, outputs, system facts). */
export interface RunView extends RunSummary {
  series?: Record<string, { step: number; value: number; timestamp: number }[]>;
  artifacts?: RunArtifact[];
}

/** A run search (the run query language, docs/tracking.md). */
export interface RunSearch extends PageRequest {
  filter?: string;
  orderBy?: string;
  experiment?: string;
}

/** Roles a grant gives. */
export type Role = 'viewer' | 'editor' | 'admin' | 'predictor' | 'feature-reader' | 'pusher';

/** A role on a project, optionally narrowed to named resources. */
export interface Grant {
  project: string;
  role: Role;
  resources?: Record<string, string[]>;
}

/** A token as lists show it (never its secret). */
export interface TokenRecord {
  id: string;
  name: string;
  prefix: string;
  grants: Grant[];
  superuser: boolean;
  createdAt: string;
  createdBy: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

/** `POST /v1/tokens`. */
export interface NewToken {
  name: string;
  grants?: Grant[];
  role?: Role;
  superuser?: boolean;
  expiresAt?: string;
}

/** A project. */
export interface Project {
  name: string;
  description: string | null;
  createdAt: string;
  createdBy: string;
}

/** One audit entry. */
export interface AuditEntry {
  seq: number;
  at: string;
  actor: string;
  action: string;
  resourceType: string;
  resourceId: string;
  project: string;
  before: unknown;
  after: unknown;
  requestId: string | null;
  sourceAddress: string | null;
  prevHash: string;
  hash: string;
}

/** Audit filters. */
export interface AuditQuery extends PageRequest {
  resource?: string;
  actor?: string;
  since?: string;
}

/** `GET /v1/audit/verify`. */
export interface AuditVerification {
  ok: boolean;
  entries: number;
  brokenAt?: { seq: number; reason: string };
}

/** A page of `T` under the server's key. */
export interface Page<T> {
  items: T[];
  next: string | null;
}
