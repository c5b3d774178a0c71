/**
 * Migration 11: serving capture and feedback. `capture_segments` indexes the Parquet capture segments in
 * the artifact store by (project, endpoint, time); `prediction_ids` is the index of every prediction id an
 * endpoint returned (captured or not), which feedback checks ids against; `prediction_feedback` holds the
 * current label per prediction and `prediction_feedback_history` every revision. Times are ISO-8601 text
 * (same width, so they order as text), JSON is text.
 */
import type { Migration } from '../migration.js';

/** Creates the capture and feedback tables. */
export const migration011ServingCapture: Migration = {
  id: 11,
  name: '011-serving-capture',
  async up(db) {
    await db.schema
      .createTable('capture_segments')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('project', 'text', (c) => c.notNull().defaultTo('default'))
      .addColumn('endpoint', 'text', (c) => c.notNull())
      .addColumn('start_at', 'text', (c) => c.notNull())
      .addColumn('end_at', 'text', (c) => c.notNull())
      .addColumn('row_count', 'bigint', (c) => c.notNull())
      .addColumn('artifact_hash', 'text', (c) => c.notNull())
      .addColumn('schema_json', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('capture_segments_time_idx').on('capture_segments').columns(['project', 'endpoint', 'start_at']).execute();
    await db.schema
      .createTable('prediction_ids')
      .addColumn('project', 'text', (c) => c.notNull().defaultTo('default'))
      .addColumn('endpoint', 'text', (c) => c.notNull())
      .addColumn('prediction_id', 'text', (c) => c.notNull())
      .addColumn('received_at', 'text', (c) => c.notNull())
      .addColumn('segment_id', 'text')
      .addPrimaryKeyConstraint('prediction_ids_pk', ['project', 'endpoint', 'prediction_id'])
      .execute();
    await db.schema
      .createTable('prediction_feedback')
      .addColumn('project', 'text', (c) => c.notNull().defaultTo('default'))
      .addColumn('endpoint', 'text', (c) => c.notNull())
      .addColumn('prediction_id', 'text', (c) => c.notNull())
      .addColumn('label_json', 'text', (c) => c.notNull())
      .addColumn('revision', 'integer', (c) => c.notNull())
      .addColumn('recorded_at', 'text', (c) => c.notNull())
      .addColumn('recorded_by', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('prediction_feedback_pk', ['project', 'endpoint', 'prediction_id'])
      .execute();
    await db.schema
      .createTable('prediction_feedback_history')
      .addColumn('project', 'text', (c) => c.notNull().defaultTo('default'))
      .addColumn('endpoint', 'text', (c) => c.notNull())
      .addColumn('prediction_id', 'text', (c) => c.notNull())
      .addColumn('revision', 'integer', (c) => c.notNull())
      .addColumn('label_json', 'text', (c) => c.notNull())
      .addColumn('recorded_at', 'text', (c) => c.notNull())
      .addColumn('recorded_by', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('prediction_feedback_history_pk', ['project', 'endpoint', 'prediction_id', 'revision'])
      .execute();
  },
};
