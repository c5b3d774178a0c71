/**
 * The `MetadataStore` port: platform metadata as repository objects, one per concept
 * (`metadata.datasets`; later `metadata.trainedModels`, `metadata.ingestOffsets`, ...), plus
 * transactions. Services depend on it, never on an adapter; the adapter (SQLite or PostgreSQL) is chosen
 * once by `openMetadataStore`. Adding a repository: see "Adding a repository" in
 * docs/specs/metadata-schema.md.
 */
import type { AttachedSuiteRepository } from './attached-suite-repository.js';
import type { DatasetRepository } from './dataset-repository.js';
import type { IngestOffsetRepository } from './ingest-offset-repository.js';
import type { ApiTokenRepository, AuditRepository, ProjectRepository } from './security-repository.js';
import type { TrainedModelRepository } from './trained-model-repository.js';
import type { ExperimentRepository } from './experiment-repository.js';
import type { RunRepository } from './run-repository.js';
import type { EndpointRepository } from './endpoint-repository.js';
import type { JobRepository } from './job-repository.js';
import type { FeatureRegistryRepository } from './feature-registry-repository.js';
import type { CaptureSegmentRepository } from './capture-segment-repository.js';
import type { PredictionFeedbackRepository } from './prediction-feedback-repository.js';
import type { ModelRegistryRepository } from './model-registry-repository.js';
import type { AlertRepository } from './alert-repository.js';
import type { RolloutRepository } from './rollout-repository.js';
import type { RolloutMetricsRepository } from './rollout-metrics-repository.js';
import type { MonitorRepository } from './monitor-repository.js';
import type { EndpointRequestStatsRepository } from './endpoint-request-stats-repository.js';

/** The SQL backend behind a store. */
export type MetadataDialect = 'sqlite' | 'postgres';

/** The repositories, the same on a store and on the transaction view `transaction` hands out. */
export interface MetadataRepositories {
  /** Versioned datasets (migrations 1, 2). */
  readonly datasets: DatasetRepository;
  /** Stream positions committed with dataset versions (migration 4). */
  readonly ingestOffsets: IngestOffsetRepository;
  /** Expectation suites attached to datasets (migration 4). */
  readonly attachedSuites: AttachedSuiteRepository;
  /** Models trained by the training service (migration 3). */
  readonly trainedModels: TrainedModelRepository;
  /** Projects (every resource belongs to one; `default` always exists) (migration 5). */
  readonly projects: ProjectRepository;
  /** API tokens (hashed secrets only) (migration 5). */
  readonly tokens: ApiTokenRepository;
  /** The append-only, hash-chained audit log (migration 5). */
  readonly audit: AuditRepository;
  /** Tracking experiments (migration 6). */
  readonly experiments: ExperimentRepository;
  /** Tracked runs with params, metrics, tags, artifacts, inputs and outputs (migration 6). */
  readonly runs: RunRepository;
  /** Serving endpoints and their change counter (migration 10). */
  readonly endpoints: EndpointRepository;
  /** Background jobs and their log lines (migration 8). */
  readonly jobs: JobRepository;
  /** Applied versions of the feature definitions (migration 12). */
  readonly featureRegistry: FeatureRegistryRepository;
  /** Serving capture segments and the prediction-id index (migration 11). */
  readonly captureSegments: CaptureSegmentRepository;
  /** Ground-truth labels for predictions, with history (migration 11). */
  readonly feedback: PredictionFeedbackRepository;
  /** Registered models, versions, aliases, stages and approvals (migration 9). */
  readonly models: ModelRegistryRepository;
  /** Alert rules, alerts and alert history (migration 14). */
  readonly alerts: AlertRepository;
  /** Rollouts of new versions onto endpoints, with leases for the process that advances them (migration 16). */
  readonly rollouts: RolloutRepository;
  /** Per-variant serving aggregates every serving process appends, for rollout guards (migration 16). */
  readonly rolloutMetrics: RolloutMetricsRepository;
  /** Per-minute request outcome counters (answered, 4xx, 5xx) of every endpoint variant, from every serving process (migration 17). */
  readonly requestStats: EndpointRequestStatsRepository;
  /** Baselines, monitors, and their runs' result points (migration 13). */
  readonly monitors: MonitorRepository;
}

/** Platform metadata: repository objects plus transactions. */
export interface MetadataStore extends MetadataRepositories {
  readonly dialect: MetadataDialect;
  /**
   * The project the project-scoped repositories (datasets, ingest offsets, attached suites, trained
   * models, experiments, runs, capture segments, feedback) act in: `default` on an opened store. Their reads never see another
   * project's rows; only the gc reference scans (`artifactHashes`, `countArtifactReferences`) span all.
   */
  readonly project: string;
  /** The same store acting in `project` (transactions of the view stay in it); the project is not checked to exist. */
  inProject(project: string): MetadataStore;
  /**
   * Runs `fn` in one transaction: everything it does through `tx`'s repositories commits together or,
   * if it throws, not at all. Use only `tx` inside `fn` (on SQLite the outer store waits for the
   * transaction to end). Nested calls join the outer transaction.
   */
  transaction<T>(fn: (tx: MetadataStore) => Promise<T>): Promise<T>;
  /** A cheap round trip (`SELECT 1`) for readiness checks; throws when the database is unreachable. */
  ping(): Promise<void>;
  /** Releases connections; the store is unusable afterwards. */
  close(): Promise<void>;
}
