/**
 * Migration 1: datasets and their immutable versions. Text timestamps (ISO-8601 UTC) and text JSON keep
 * both dialects byte-identical; `bigint` holds row and byte counts beyond 2^31.
 */
import type { Migration } from '../migration.js';

/** Creates `datasets` and `dataset_versions`. */
export const migration001Datasets: Migration = {
  id: 1,
  name: '001-datasets',
  async up(db) {
    await db.schema
      .createTable('datasets')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('latest_version', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('dataset_versions')
      .addColumn('dataset_name', 'text', (c) => c.notNull().references('datasets.name').onDelete('cascade'))
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('content_hash', 'text', (c) => c.notNull())
      .addColumn('row_count', 'bigint', (c) => c.notNull())
      .addColumn('column_count', 'integer', (c) => c.notNull())
      .addColumn('byte_count', 'bigint', (c) => c.notNull())
      .addColumn('schema_json', 'text', (c) => c.notNull())
      .addColumn('profile_json', 'text', (c) => c.notNull())
      .addColumn('artifact_hash', 'text', (c) => c.notNull())
      .addColumn('format', 'text', (c) => c.notNull())
      .addColumn('source', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      // The primary key is what makes two concurrent registrations unable to share a version number.
      .addPrimaryKeyConstraint('dataset_versions_pk', ['dataset_name', 'version'])
      .addUniqueConstraint('dataset_versions_hash_uq', ['dataset_name', 'content_hash'])
      .execute();
  },
};
