/**
 * Migration 2: dataset documents out of the row, 64-bit counters, jsonb, and the indexes the dataset
 * repository's lookups need.
 *
 * Columns of `dataset_versions`:
 * - `version`, `column_count` (and `datasets.latest_version`) become `bigint`: anything that can grow is
 *   64-bit (`row_count` and `byte_count` already were). SQLite integers are 64-bit already.
 * - `schema_json` and `profile_json` become nullable and, on PostgreSQL, `jsonb` (validated on write,
 *   queryable); SQLite keeps `text`. New `schema_artifact_hash` / `profile_artifact_hash` point at the
 *   document in the artifact store instead (exactly one of each pair is set; CHECK constraints), and
 *   `summary_json` holds a bounded summary. Rows from migration 1 keep their inline documents.
 *
 * SQLite cannot drop NOT NULL or add a CHECK in place, so there the table is rebuilt (create, copy,
 * drop, rename) inside the migration transaction; PostgreSQL alters it in place.
 *
 * Index review (every repository query, and what serves it):
 * - get a version, list versions (keyset on version), count versions: primary key (dataset_name, version).
 * - "is this content already registered under this name" on every registration: the unique
 *   (dataset_name, content_hash) index from migration 1.
 * - list datasets (keyset on name): `datasets` primary key.
 * - "does any version still reference this artifact" (cleanup of a failed registration, and `kiln gc`):
 *   new indexes on `artifact_hash`, `schema_artifact_hash` and `profile_artifact_hash`.
 * - No index on `created_at`: no dataset lookup filters or sorts by it (lists are by name and version).
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Migration } from '../migration.js';

const COPIED = 'dataset_name, version, content_hash, row_count, column_count, byte_count, schema_json, profile_json, artifact_hash, format, source, created_at';

/** Rebuilds/alters `dataset_versions` and adds the artifact-reference indexes. */
export const migration002DatasetDocuments: Migration = {
  id: 2,
  name: '002-dataset-documents',
  async up(db, dialect) {
    if (dialect === 'postgres') await alterPostgres(db);
    else await rebuildSqlite(db);
    for (const column of ['artifact_hash', 'schema_artifact_hash', 'profile_artifact_hash']) {
      await db.schema.createIndex(`dataset_versions_${column}_idx`).on('dataset_versions').column(column).execute();
    }
  },
};

async function alterPostgres(db: Kysely<unknown>): Promise<void> {
  await sql`alter table datasets alter column latest_version type bigint`.execute(db);
  await sql`
    alter table dataset_versions
      alter column version type bigint,
      alter column column_count type bigint,
      alter column schema_json drop not null,
      alter column schema_json type jsonb using schema_json::jsonb,
      alter column profile_json drop not null,
      alter column profile_json type jsonb using profile_json::jsonb,
      add column schema_artifact_hash text,
      add column profile_artifact_hash text,
      add column summary_json jsonb,
      add constraint dataset_versions_schema_ck check ((schema_json is null) <> (schema_artifact_hash is null)),
      add constraint dataset_versions_profile_ck check ((profile_json is null) <> (profile_artifact_hash is null))
  `.execute(db);
}

async function rebuildSqlite(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table dataset_versions_v2 (
      dataset_name text not null references datasets (name) on delete cascade,
      version bigint not null,
      content_hash text not null,
      row_count bigint not null,
      column_count bigint not null,
      byte_count bigint not null,
      schema_json text,
      schema_artifact_hash text,
      profile_json text,
      profile_artifact_hash text,
      summary_json text,
      artifact_hash text not null,
      format text not null,
      source text,
      created_at text not null,
      constraint dataset_versions_pk primary key (dataset_name, version),
      constraint dataset_versions_hash_uq unique (dataset_name, content_hash),
      constraint dataset_versions_schema_ck check ((schema_json is null) <> (schema_artifact_hash is null)),
      constraint dataset_versions_profile_ck check ((profile_json is null) <> (profile_artifact_hash is null))
    )
  `.execute(db);
  await sql`insert into dataset_versions_v2 (${sql.raw(COPIED)}) select ${sql.raw(COPIED)} from dataset_versions`.execute(db);
  await sql`drop table dataset_versions`.execute(db);
  await sql`alter table dataset_versions_v2 rename to dataset_versions`.execute(db);
}
