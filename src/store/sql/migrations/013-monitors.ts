/**
 * Migration 13: monitors. `monitor_baselines` holds versioned baselines (the statistics live in an artifact;
 * the row keeps its hash, source and column names); `monitors` the checked spec of each monitor with its
 * schedule position (`last_scheduled_at`, moved by compare-and-set so two schedulers submit a due run
 * once); `monitor_runs` one row per run and `monitor_points` its result points, indexed by
 * (project, monitor, metric, at) for time-series reads; and an index of `prediction_ids` by time, from which
 * monitors count every prediction of a window. Times are ISO-8601 text, JSON is text.
 */
import type { Migration } from '../migration.js';

/** Creates the monitor tables. */
export const migration013Monitors: Migration = {
  id: 13,
  name: '013-monitors',
  async up(db) {
    await db.schema
      .createTable('monitor_baselines')
      .addColumn('project', 'text', (c) => c.notNull().defaultTo('default'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('source_kind', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('document_hash', 'text', (c) => c.notNull())
      .addColumn('sample_hash', 'text')
      .addColumn('row_count', 'bigint', (c) => c.notNull())
      .addColumn('columns_json', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('monitor_baselines_pk', ['project', 'name', 'version'])
      .execute();
    await db.schema
      .createTable('monitors')
      .addColumn('project', 'text', (c) => c.notNull().defaultTo('default'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('endpoint', 'text', (c) => c.notNull())
      .addColumn('spec_json', 'text', (c) => c.notNull())
      .addColumn('schedule', 'text')
      .addColumn('last_scheduled_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('monitors_pk', ['project', 'name'])
      .execute();
    await db.schema
      .createTable('monitor_runs')
      .addColumn('project', 'text', (c) => c.notNull().defaultTo('default'))
      .addColumn('run_id', 'text', (c) => c.notNull())
      .addColumn('monitor', 'text', (c) => c.notNull())
      .addColumn('endpoint', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('window_start', 'text', (c) => c.notNull())
      .addColumn('window_end', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('notes_json', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('monitor_runs_pk', ['project', 'run_id'])
      .execute();
    await db.schema.createIndex('monitor_runs_time_idx').on('monitor_runs').columns(['project', 'monitor', 'at']).execute();
    await db.schema
      .createTable('monitor_points')
      .addColumn('project', 'text', (c) => c.notNull().defaultTo('default'))
      .addColumn('run_id', 'text', (c) => c.notNull())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('monitor', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('check_name', 'text', (c) => c.notNull())
      .addColumn('metric', 'text', (c) => c.notNull())
      .addColumn('column_name', 'text')
      .addColumn('value', 'double precision', (c) => c.notNull())
      .addColumn('drifted', 'integer')
      .addPrimaryKeyConstraint('monitor_points_pk', ['project', 'run_id', 'seq'])
      .execute();
    // Monitors count every prediction of a window (captured or not) from the prediction-id index.
    await db.schema.createIndex('prediction_ids_time_idx').on('prediction_ids').columns(['project', 'endpoint', 'received_at']).execute();
    await db.schema.createIndex('monitor_points_series_idx').on('monitor_points').columns(['project', 'monitor', 'metric', 'at']).execute();
  },
};
