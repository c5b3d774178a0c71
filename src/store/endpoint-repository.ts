/**
 * The endpoint repository (`metadata.endpoints`): serving endpoints, one name per project, each a set of
 * variants (a model reference and a traffic weight) plus serving settings. Every write bumps a store-wide
 * change counter (`changeVersion`) in the same transaction, so inference servers notice any create,
 * update or delete with one cheap poll. Held to its semantics by `endpoint-repository.contract.ts`.
 */
import type { EndpointCircuitBreaker } from './endpoint-circuit-breaker.js';
import type { Page, PageRequest } from './page.js';

/** One model behind an endpoint with its share of traffic. */
export interface EndpointVariant {
  name: string;
  /** A model reference as the user wrote it (`NAME@VERSION`, `NAME@ALIAS`, `trained:ID`, a bundle path). */
  model: string;
  /** Relative traffic weight (> 0). */
  weight: number;
}

/** Adaptive batching: concurrent requests grouped up to a size or a wait. */
export interface EndpointBatching {
  maxBatchSize: number;
  maxWaitMs: number;
}

/** How an endpoint serves. */
export interface EndpointSettings {
  /** Categories never seen in training: scored as missing, or rejected with a 400. */
  unseenCategories: 'missing' | 'reject';
  /** Off (null) by default. */
  batching: EndpointBatching | null;
  /** Share of requests captured, 0..1. */
  captureSampleRate: number;
  /** Variants taken out of routing by a circuit breaker (absent or null: all routed). */
  circuitBreaker?: EndpointCircuitBreaker | null;
  /**
   * Masking policy applied to captured inputs (a masking-policy document, `{version: 1, rules: [...]}`),
   * absent when none. Stored opaque here; the serving service checks its shape before it is stored.
   */
  captureMasking?: CaptureMaskingDocument;
  /**
   * Captured rows also store their TreeSHAP attributions (`shap_<input>`, `shap_base`), computed when the
   * capture buffer flushes; absent (not false) when off. The serving service refuses it for models TreeSHAP
   * cannot explain.
   */
  captureAttributions?: boolean;
  /**
   * The feature service `predict-from-features` reads (absent: the one the served model was trained on).
   * Checked against the project's feature registry by the serving layer before it is stored.
   */
  featureService?: string;
}

/** A masking-policy document as stored (checked by `parseMaskingPolicy` in the serving layer). */
export interface CaptureMaskingDocument {
  version: number;
  rules: { column: string; action: string; keep?: number }[];
}

/** An endpoint as stored. */
export interface EndpointRecord {
  project: string;
  name: string;
  variants: EndpointVariant[];
  settings: EndpointSettings;
  createdAt: string;
  updatedAt: string;
  /** Revision of this endpoint: 1 on create, +1 per update (optimistic concurrency). */
  revision: number;
}

/** What a caller creates (in the repository's project). */
export interface NewEndpoint {
  name: string;
  variants: EndpointVariant[];
  settings: EndpointSettings;
  createdAt: string;
}

/** A full replacement of the mutable fields. */
export interface EndpointUpdate {
  variants: EndpointVariant[];
  settings: EndpointSettings;
  updatedAt: string;
  /** When set, the update fails with a ConflictError unless the stored revision matches. */
  expectedRevision?: number;
}

/** Endpoint metadata of the store's project (`metadata.inProject(p).endpoints` for another). */
export interface EndpointRepository {
  /** Creates an endpoint; a name already used in the project is a ConflictError. */
  create(input: NewEndpoint): Promise<EndpointRecord>;
  /** One endpoint, or null. */
  get(name: string): Promise<EndpointRecord | null>;
  /** Endpoints of the project ordered by name, one page at a time. */
  list(page?: PageRequest): Promise<Page<EndpointRecord>>;
  /** Every endpoint of every project (inference servers serve them all; requests name the project). */
  listAll(): Promise<EndpointRecord[]>;
  /** Replaces variants and settings; NotFoundError when absent, ConflictError on a stale revision. */
  update(name: string, update: EndpointUpdate): Promise<EndpointRecord>;
  /** Deletes an endpoint; false when there was none. */
  delete(name: string): Promise<boolean>;
  /** A counter that grows on every create, update and delete of any endpoint in any project. */
  changeVersion(): Promise<number>;
}
