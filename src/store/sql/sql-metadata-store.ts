/**
 * `MetadataStore` over a Kysely instance: the one implementation both SQL adapters share. Adapters only
 * build the Kysely dialect, run migrations and hand the instance here; everything past that point is
 * dialect-agnostic. Each repository is built from the Kysely handle (the store's, or a transaction's),
 * so adding one is a field in `MetadataRepositories` and one line in `buildRepositories`.
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { UsageError } from '../../core/errors.js';
import type { MetadataDialect, MetadataRepositories, MetadataStore } from '../metadata-store.js';
import { DEFAULT_PROJECT } from '../experiment-repository.js';
import type { KilnDatabase } from './kiln-database.js';
import { MIGRATIONS } from './migrations/index.js';
import type { Migration } from './migration.js';
import { runMigrations } from './run-migrations.js';
import { SqlAttachedSuiteRepository } from './sql-attached-suite-repository.js';
import { SqlDatasetRepository } from './sql-dataset-repository.js';
import { SqlIngestOffsetRepository } from './sql-ingest-offset-repository.js';
import { SqlApiTokenRepository, SqlAuditRepository, SqlProjectRepository } from './sql-security-repositories.js';
import { SqlTrainedModelRepository } from './sql-trained-model-repository.js';
import { SqlExperimentRepository } from './sql-experiment-repository.js';
import { SqlRunRepository } from './sql-run-repository.js';
import { SqlEndpointRepository } from './sql-endpoint-repository.js';
import { SqlRolloutMetricsRepository } from './sql-rollout-metrics-repository.js';
import { SqlRolloutRepository } from './sql-rollout-repository.js';
import { SqlJobRepository } from './sql-job-repository.js';
import { SqlFeatureRegistryRepository } from './sql-feature-registry-repository.js';
import { SqlCaptureSegmentRepository } from './sql-capture-segment-repository.js';
import { SqlPredictionFeedbackRepository } from './sql-prediction-feedback-repository.js';
import { SqlMonitorRepository } from './sql-monitor-repository.js';
import { SqlModelRegistryRepository } from './sql-model-registry-repository.js';
import { SqlAlertRepository } from './sql-alert-repository.js';
import { SqlEndpointRequestStatsRepository } from './sql-endpoint-request-stats-repository.js';

/** Options for `openSqlMetadataStore`. */
export interface OpenSqlMetadataStoreOptions {
  /** Names the database in error messages (no passwords). */
  where: string;
  /** Override the migration list (tests only). */
  migrations?: readonly Migration[];
}

/** Migrates `db` to the current schema and wraps it as a store; destroys `db` if migration fails. */
export async function openSqlMetadataStore(
  db: Kysely<KilnDatabase>,
  dialect: MetadataDialect,
  options: OpenSqlMetadataStoreOptions,
): Promise<MetadataStore> {
  try {
    await runMigrations(db, dialect, options.migrations ?? MIGRATIONS, options.where);
  } catch (err) {
    await db.destroy();
    throw err;
  }
  return createSqlMetadataStore(db, dialect, false, DEFAULT_PROJECT);
}

/**
 * Every repository over one Kysely handle. `inTransaction`: `db` is an open transaction (repositories
 * that open their own transactions join it instead); project-scoped ones act in `project`.
 */
function buildRepositories(db: Kysely<KilnDatabase>, dialect: MetadataDialect, inTransaction: boolean, project: string): MetadataRepositories {
  return {
    datasets: new SqlDatasetRepository(db, inTransaction, project),
    ingestOffsets: new SqlIngestOffsetRepository(db, project),
    attachedSuites: new SqlAttachedSuiteRepository(db, project),
    trainedModels: new SqlTrainedModelRepository(db, project),
    projects: new SqlProjectRepository(db),
    tokens: new SqlApiTokenRepository(db),
    audit: new SqlAuditRepository(db, inTransaction),
    experiments: new SqlExperimentRepository(db, project),
    runs: new SqlRunRepository(db, dialect, inTransaction, project),
    endpoints: new SqlEndpointRepository(db, inTransaction, project),
    jobs: new SqlJobRepository(db, inTransaction),
    featureRegistry: new SqlFeatureRegistryRepository(db, project),
    captureSegments: new SqlCaptureSegmentRepository(db, inTransaction, project),
    feedback: new SqlPredictionFeedbackRepository(db, inTransaction, project),
    models: new SqlModelRegistryRepository(db, inTransaction),
    alerts: new SqlAlertRepository(db, project),
    rollouts: new SqlRolloutRepository(db, project),
    rolloutMetrics: new SqlRolloutMetricsRepository(db, inTransaction, project),
    requestStats: new SqlEndpointRequestStatsRepository(db, inTransaction, project),
    monitors: new SqlMonitorRepository(db, inTransaction, project),
  };
}

/** The shared SQL store over `db`; `inTransaction` marks the view handed to a `transaction` callback. */
function createSqlMetadataStore(db: Kysely<KilnDatabase>, dialect: MetadataDialect, inTransaction: boolean, project: string): MetadataStore {
  const store: MetadataStore = {
    ...buildRepositories(db, dialect, inTransaction, project),
    dialect,
    project,
    inProject(other: string): MetadataStore {
      if (typeof other !== 'string' || other.length === 0) throw new UsageError('project must be a non-empty string', { field: 'project' });
      return other === project ? store : createSqlMetadataStore(db, dialect, inTransaction, other);
    },
    async transaction<T>(fn: (tx: MetadataStore) => Promise<T>): Promise<T> {
      if (inTransaction) return fn(store);
      return db.transaction().execute((trx) => fn(createSqlMetadataStore(trx, dialect, true, project)));
    },
    async ping(): Promise<void> {
      await sql`select 1`.execute(db);
    },
    async close(): Promise<void> {
      if (inTransaction) throw new UsageError('close() was called on a transaction; close the store that opened it instead');
      await db.destroy();
    },
  };
  return store;
}
