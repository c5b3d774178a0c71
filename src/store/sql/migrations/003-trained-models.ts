/**
 * Migration 3: `trained_models`, one row per model the training service trained. JSON documents are
 * text and timestamps ISO-8601 text, as in migration 1; the dataset version is `bigint`.
 */
import type { Migration } from '../migration.js';

/** Creates `trained_models` and its listing indexes. */
export const migration003TrainedModels: Migration = {
  id: 3,
  name: '003-trained-models',
  async up(db) {
    await db.schema
      .createTable('trained_models')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('artifact_hash', 'text', (c) => c.notNull())
      .addColumn('algorithm', 'text', (c) => c.notNull())
      .addColumn('task', 'text', (c) => c.notNull())
      .addColumn('target', 'text', (c) => c.notNull())
      .addColumn('source_kind', 'text', (c) => c.notNull())
      .addColumn('dataset_name', 'text')
      .addColumn('dataset_version', 'bigint')
      .addColumn('dataset_hash', 'text')
      .addColumn('params_json', 'text', (c) => c.notNull())
      .addColumn('metrics_json', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    // Keyset paging walks (created_at, id) newest first, overall or for one dataset.
    await db.schema.createIndex('trained_models_created_idx').on('trained_models').columns(['created_at', 'id']).execute();
    await db.schema.createIndex('trained_models_dataset_idx').on('trained_models').columns(['dataset_name', 'created_at', 'id']).execute();
  },
};
