/** The request and result types of `RegistryService` (kept apart so the service file stays about behaviour). */
import type { Principal } from '../security/permissions.js';
import type { AuditContext } from '../security/security-service.js';
import type { ModelDatasetRef, ModelEvaluation, ModelFormat, ModelVersionRecord, RegisteredModelRecord, VersionStage } from '../store/model-registry-repository.js';

/** What `resolve` returns: enough to load, serve and detect alias moves. */
export interface ResolvedModel {
  readonly name: string;
  readonly version: number;
  /** The pinned reference `NAME@VERSION`. */
  readonly ref: string;
  readonly format: ModelFormat;
  readonly artifactHash: string;
  readonly stage: VersionStage;
  readonly status: ModelVersionRecord['status'];
  readonly aliases: string[];
}

/** Who acts, where, and the request context for the audit entry. */
export interface ActorOptions {
  readonly project?: string;
  readonly actor?: Principal;
  readonly auditContext?: AuditContext;
}

/** Common registration fields. */
export interface RegisterOptions extends ActorOptions {
  readonly name: string;
  readonly description?: string;
  readonly tags?: Record<string, string>;
  /** Score the model on this dataset version (`NAME@VERSION`) and store that as its evaluation. */
  readonly evaluationDataset?: string;
  /** The version this one retrains. */
  readonly parentVersion?: number;
}

/** `registerVersion`: bytes in a known format (the entry point for importers). */
export interface RegisterBytesRequest extends RegisterOptions {
  readonly bytes: Uint8Array;
  readonly format: ModelFormat;
  /** A label for where the bytes came from (`upload:model.onnx`). */
  readonly sourceLabel?: string;
  readonly runId?: string;
  readonly trainingDatasets?: readonly ModelDatasetRef[];
  /** Metrics to record when no evaluation dataset is given (e.g. an importer's own report). */
  readonly evaluation?: ModelEvaluation;
}

/** Override of a failing gate. */
export interface OverrideOptions extends ActorOptions {
  readonly override?: boolean;
  readonly reason?: string;
}

/** A model with its aliases and newest versions (what `show NAME` prints). */
export interface ModelDetails extends RegisteredModelRecord {
  readonly aliases: { alias: string; version: number }[];
  readonly versions: ModelVersionRecord[];
}
