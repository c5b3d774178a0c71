/**
 * Migration 4: stream ingestion and attached suites. `ingest_offsets` holds the last stream position
 * reflected in a dataset, per (dataset, source); it is written in the same transaction as the version it
 * belongs to. `dataset_suites` records the one expectation suite attached to a dataset (the suite itself
 * is an artifact). No foreign key to `datasets`: a suite may be attached, and a stream set up, before the
 * first version exists.
 */
import type { Migration } from '../migration.js';

/** Creates `ingest_offsets` and `dataset_suites`. */
export const migration004IngestOffsets: Migration = {
  id: 4,
  name: '004-ingest-offsets',
  async up(db) {
    await db.schema
      .createTable('ingest_offsets')
      .addColumn('dataset_name', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('position', 'text', (c) => c.notNull())
      .addColumn('version', 'bigint')
      .addColumn('committed_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('ingest_offsets_pk', ['dataset_name', 'source'])
      .execute();
    await db.schema
      .createTable('dataset_suites')
      .addColumn('dataset_name', 'text', (c) => c.primaryKey())
      .addColumn('suite_name', 'text', (c) => c.notNull())
      .addColumn('artifact_hash', 'text', (c) => c.notNull())
      .addColumn('attached_at', 'text', (c) => c.notNull())
      .execute();
  },
};
