/**
 * Migration 6: experiment tracking (docs/specs/metadata-schema.md, "Tracking"). Indexes, by the query
 * each serves:
 * - `runs_experiment_started_idx` (experiment_id, started_at, id): a run list of one experiment in the
 *   default order (newest first), keyset-paged.
 * - `runs_started_idx` (started_at, id): the same across experiments; `runs_parent_idx`: a parent's children.
 * - primary keys (run_id, key) on params/tags/latest metrics: the per-run lookups of a search's
 *   correlated `exists` clauses and of a page's params/metrics/tags.
 * - `*_key_value_idx` (key, value, run_id): a selective filter (`params.algo = "gbdt"`,
 *   `metrics.auc > 0.9`) and `order by metrics.auc`, read as a range of one key.
 * - `run_metrics_series_idx` (run_id, key, step): a run's metric series in step order.
 * - `run_artifacts_hash_idx`: gc's reference scan.
 * Metric values are double precision; NaN is stored as NULL (see src/store/run-repository.ts).
 */
import type { Migration } from '../migration.js';

/** Creates experiments, runs and the run_* tables. */
export const migration006Tracking: Migration = {
  id: 6,
  name: '006-tracking',
  async up(db) {
    await db.schema
      .createTable('experiments')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('project', 'text', (c) => c.notNull().defaultTo('default'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('description', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('experiments_project_name_key', ['project', 'name'])
      .execute();
    await db.schema
      .createTable('runs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('experiment_id', 'text', (c) => c.notNull().references('experiments.id'))
      .addColumn('name', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('parent_id', 'text')
      .addColumn('started_at', 'text', (c) => c.notNull())
      .addColumn('ended_at', 'text')
      .addColumn('created_by', 'text')
      .addColumn('system_json', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('runs_experiment_started_idx').on('runs').columns(['experiment_id', 'started_at', 'id']).execute();
    await db.schema.createIndex('runs_started_idx').on('runs').columns(['started_at', 'id']).execute();
    await db.schema.createIndex('runs_parent_idx').on('runs').columns(['parent_id']).execute();
    for (const table of ['run_params', 'run_tags'] as const) {
      await db.schema
        .createTable(table)
        .addColumn('run_id', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('value', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint(`${table}_pkey`, ['run_id', 'key'])
        .execute();
      await db.schema.createIndex(`${table}_key_value_idx`).on(table).columns(['key', 'value', 'run_id']).execute();
    }
    await db.schema
      .createTable('run_metrics')
      .addColumn('run_id', 'text', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('value', 'double precision')
      .addColumn('step', 'bigint', (c) => c.notNull())
      .addColumn('timestamp', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('run_metrics_series_idx').on('run_metrics').columns(['run_id', 'key', 'step']).execute();
    await db.schema
      .createTable('run_latest_metrics')
      .addColumn('run_id', 'text', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('value', 'double precision')
      .addColumn('step', 'bigint', (c) => c.notNull())
      .addColumn('timestamp', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('run_latest_metrics_pkey', ['run_id', 'key'])
      .execute();
    await db.schema.createIndex('run_latest_metrics_key_value_idx').on('run_latest_metrics').columns(['key', 'value', 'run_id']).execute();
    await db.schema
      .createTable('run_artifacts')
      .addColumn('run_id', 'text', (c) => c.notNull())
      .addColumn('path', 'text', (c) => c.notNull())
      .addColumn('artifact_hash', 'text', (c) => c.notNull())
      .addColumn('size', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('run_artifacts_pkey', ['run_id', 'path'])
      .execute();
    await db.schema.createIndex('run_artifacts_hash_idx').on('run_artifacts').column('artifact_hash').execute();
    await db.schema
      .createTable('run_inputs')
      .addColumn('run_id', 'text', (c) => c.notNull())
      .addColumn('dataset_name', 'text', (c) => c.notNull())
      .addColumn('dataset_version', 'bigint', (c) => c.notNull())
      .addColumn('content_hash', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('run_inputs_pkey', ['run_id', 'dataset_name', 'dataset_version'])
      .execute();
    await db.schema
      .createTable('run_outputs')
      .addColumn('run_id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('ref', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('run_outputs_pkey', ['run_id', 'kind', 'ref'])
      .execute();
  },
};
