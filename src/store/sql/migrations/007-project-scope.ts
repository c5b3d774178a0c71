/**
 * Migration 7: datasets, trained models and runs become project-scoped (docs/security.md, "Projects").
 * A `project` column (NOT NULL DEFAULT 'default') is added where missing, so every existing row lands
 * in `default`; experiments have had one since migration 6 and runs copy their experiment's.
 *
 * Keys and indexes become per project, so a dataset `churn` may exist in two projects:
 * - `datasets` primary key (project, name); `dataset_versions` primary key (project, dataset_name,
 *   version), unique (project, dataset_name, content_hash), foreign key (project, dataset_name) to
 *   `datasets`. The artifact-hash indexes of migration 2 stay global: gc sees every project's artifacts.
 * - `ingest_offsets` (project, dataset_name, source) and `dataset_suites` (project, dataset_name): they
 *   belong to a dataset, so they follow its key.
 * - `trained_models`: listing indexes lead with the project.
 * - `runs`: `runs_project_started_idx` (project, started_at, id) replaces `runs_started_idx` for a search
 *   across a project's experiments; lookups by experiment keep `runs_experiment_started_idx`.
 *
 * SQLite cannot change a primary key in place, so those four tables are rebuilt (create, copy, drop,
 * rename) inside the migration transaction; PostgreSQL alters them in place.
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Migration } from '../migration.js';

const VERSION_COLUMNS =
  'dataset_name, version, content_hash, row_count, column_count, byte_count, schema_json, schema_artifact_hash, profile_json, profile_artifact_hash, summary_json, artifact_hash, format, source, created_at';

/** Adds `project` to the scoped tables and makes their keys and indexes per project. */
export const migration007ProjectScope: Migration = {
  id: 7,
  name: '007-project-scope',
  async up(db, dialect) {
    if (dialect === 'postgres') await alterPostgres(db);
    else await rebuildSqlite(db);
    for (const table of ['trained_models', 'runs']) {
      await sql`alter table ${sql.table(table)} add column project text not null default 'default'`.execute(db);
    }
    await sql`update runs set project = (select e.project from experiments e where e.id = runs.experiment_id)`.execute(db);
    await db.schema.dropIndex('trained_models_created_idx').execute();
    await db.schema.dropIndex('trained_models_dataset_idx').execute();
    await db.schema.createIndex('trained_models_project_created_idx').on('trained_models').columns(['project', 'created_at', 'id']).execute();
    await db.schema.createIndex('trained_models_project_dataset_idx').on('trained_models').columns(['project', 'dataset_name', 'created_at', 'id']).execute();
    await db.schema.dropIndex('runs_started_idx').execute();
    await db.schema.createIndex('runs_project_started_idx').on('runs').columns(['project', 'started_at', 'id']).execute();
  },
};

/** The names of `table`'s constraints of one kind (`p` primary key, `f` foreign key, `u` unique). */
async function constraintsOf(db: Kysely<unknown>, table: string, kind: 'p' | 'f' | 'u'): Promise<string[]> {
  const { rows } = await sql<{ conname: string }>`select conname from pg_constraint where conrelid = ${table}::regclass and contype = ${kind}`.execute(db);
  return rows.map((r) => r.conname);
}

async function dropConstraints(db: Kysely<unknown>, table: string, kind: 'p' | 'f' | 'u'): Promise<void> {
  for (const name of await constraintsOf(db, table, kind)) await sql`alter table ${sql.table(table)} drop constraint ${sql.id(name)}`.execute(db);
}

async function alterPostgres(db: Kysely<unknown>): Promise<void> {
  for (const table of ['datasets', 'dataset_versions', 'ingest_offsets', 'dataset_suites']) {
    await sql`alter table ${sql.table(table)} add column project text not null default 'default'`.execute(db);
  }
  // The foreign key depends on the datasets primary key: drop it first, re-add it on the new key.
  await dropConstraints(db, 'dataset_versions', 'f');
  await dropConstraints(db, 'dataset_versions', 'u');
  await dropConstraints(db, 'dataset_versions', 'p');
  await dropConstraints(db, 'datasets', 'p');
  await sql`alter table datasets add constraint datasets_pkey primary key (project, name)`.execute(db);
  await sql`
    alter table dataset_versions
      add constraint dataset_versions_pk primary key (project, dataset_name, version),
      add constraint dataset_versions_hash_uq unique (project, dataset_name, content_hash),
      add constraint dataset_versions_dataset_fk foreign key (project, dataset_name) references datasets (project, name) on delete cascade
  `.execute(db);
  await dropConstraints(db, 'ingest_offsets', 'p');
  await sql`alter table ingest_offsets add constraint ingest_offsets_pk primary key (project, dataset_name, source)`.execute(db);
  await dropConstraints(db, 'dataset_suites', 'p');
  await sql`alter table dataset_suites add constraint dataset_suites_pkey primary key (project, dataset_name)`.execute(db);
}

async function rebuildSqlite(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table datasets_v7 (
      project text not null default 'default',
      name text not null,
      latest_version bigint not null,
      created_at text not null,
      updated_at text not null,
      constraint datasets_pkey primary key (project, name)
    )
  `.execute(db);
  await sql`
    create table dataset_versions_v7 (
      project text not null default 'default',
      dataset_name text not null,
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
      constraint dataset_versions_pk primary key (project, dataset_name, version),
      constraint dataset_versions_hash_uq unique (project, dataset_name, content_hash),
      constraint dataset_versions_dataset_fk foreign key (project, dataset_name) references datasets_v7 (project, name) on delete cascade,
      constraint dataset_versions_schema_ck check ((schema_json is null) <> (schema_artifact_hash is null)),
      constraint dataset_versions_profile_ck check ((profile_json is null) <> (profile_artifact_hash is null))
    )
  `.execute(db);
  await sql`insert into datasets_v7 (name, latest_version, created_at, updated_at) select name, latest_version, created_at, updated_at from datasets`.execute(db);
  await sql`insert into dataset_versions_v7 (${sql.raw(VERSION_COLUMNS)}) select ${sql.raw(VERSION_COLUMNS)} from dataset_versions`.execute(db);
  // Versions first: dropping `datasets` while versions reference it would cascade-delete them.
  await sql`drop table dataset_versions`.execute(db);
  await sql`drop table datasets`.execute(db);
  // Renaming rewrites the foreign key in dataset_versions_v7 to the new name.
  await sql`alter table datasets_v7 rename to datasets`.execute(db);
  await sql`alter table dataset_versions_v7 rename to dataset_versions`.execute(db);
  for (const column of ['artifact_hash', 'schema_artifact_hash', 'profile_artifact_hash']) {
    await db.schema.createIndex(`dataset_versions_${column}_idx`).on('dataset_versions').column(column).execute();
  }
  await sql`
    create table ingest_offsets_v7 (
      project text not null default 'default',
      dataset_name text not null,
      source text not null,
      position text not null,
      version bigint,
      committed_at text not null,
      constraint ingest_offsets_pk primary key (project, dataset_name, source)
    )
  `.execute(db);
  await sql`insert into ingest_offsets_v7 (dataset_name, source, position, version, committed_at) select dataset_name, source, position, version, committed_at from ingest_offsets`.execute(db);
  await sql`drop table ingest_offsets`.execute(db);
  await sql`alter table ingest_offsets_v7 rename to ingest_offsets`.execute(db);
  await sql`
    create table dataset_suites_v7 (
      project text not null default 'default',
      dataset_name text not null,
      suite_name text not null,
      artifact_hash text not null,
      attached_at text not null,
      constraint dataset_suites_pkey primary key (project, dataset_name)
    )
  `.execute(db);
  await sql`insert into dataset_suites_v7 (dataset_name, suite_name, artifact_hash, attached_at) select dataset_name, suite_name, artifact_hash, attached_at from dataset_suites`.execute(db);
  await sql`drop table dataset_suites`.execute(db);
  await sql`alter table dataset_suites_v7 rename to dataset_suites`.execute(db);
}
