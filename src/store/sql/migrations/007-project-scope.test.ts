/**
 * Migration 7 on both dialects: a migration-6 database with rows in every scoped table upgrades in
 * place, its rows land in `default`, and the same names can then be used again in another project.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { datasetVersionFixture } from '../../dataset-repository.contract.js';
import type { MetadataStore } from '../../metadata-store.js';
import { openPostgresMetadataStore } from '../../postgres/postgres-metadata-store.js';
import { withTestPostgres } from '../../postgres/postgres-test-harness.js';
import { openSqliteMetadataStore } from '../../sqlite/sqlite-metadata-store.js';
import { trainedModelFixture } from '../../trained-model-repository.contract.js';
import { MIGRATIONS } from './index.js';

const V6 = MIGRATIONS.slice(0, 6);
const AT = '2024-01-01T00:00:00.000Z';
const HASH = 'a'.repeat(64);

/** Rows of a migration-6 database, one statement each (positional `?` parameters). */
const LEGACY: readonly [string, readonly (string | number | null)[]][] = [
  ['insert into datasets (name, latest_version, created_at, updated_at) values (?, ?, ?, ?)', ['churn', 1, AT, AT]],
  [
    'insert into dataset_versions (dataset_name, version, content_hash, row_count, column_count, byte_count, schema_json, profile_json, artifact_hash, format, source, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ['churn', 1, 'h1', 10, 2, 100, '{"fields":[]}', '{"rows":10}', HASH, 'parquet', null, AT],
  ],
  ['insert into ingest_offsets (dataset_name, source, position, version, committed_at) values (?, ?, ?, ?, ?)', ['churn', 'nats:x', '5', 1, AT]],
  ['insert into dataset_suites (dataset_name, suite_name, artifact_hash, attached_at) values (?, ?, ?, ?)', ['churn', 's', HASH, AT]],
  [
    'insert into trained_models (id, artifact_hash, algorithm, task, target, source_kind, dataset_name, dataset_version, dataset_hash, params_json, metrics_json, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ['m1', HASH, 'gbdt', 'binary', 'y', 'dataset', 'churn', 1, 'h1', '{}', '{"auc":0.5}', AT],
  ],
  ['insert into experiments (id, project, name, description, created_at) values (?, ?, ?, ?, ?)', ['e1', 'default', 'exp', null, AT]],
  ['insert into experiments (id, project, name, description, created_at) values (?, ?, ?, ?, ?)', ['e2', 'team-a', 'exp', null, AT]],
  ['insert into runs (id, experiment_id, name, status, parent_id, started_at, ended_at, created_by, system_json) values (?, ?, ?, ?, ?, ?, ?, ?, ?)', ['r1', 'e1', null, 'running', null, AT, null, null, '{}']],
  ['insert into runs (id, experiment_id, name, status, parent_id, started_at, ended_at, created_by, system_json) values (?, ?, ?, ?, ?, ?, ?, ?, ?)', ['r2', 'e2', null, 'running', null, AT, null, null, '{}']],
];

/** What every dialect must show after upgrading. */
async function expectUpgraded(store: MetadataStore): Promise<void> {
  expect((await store.datasets.getVersion('churn', 'latest'))?.version).toBe(1);
  expect((await store.ingestOffsets.get('churn', 'nats:x'))?.position).toBe('5');
  expect((await store.attachedSuites.get('churn'))?.suiteName).toBe('s');
  expect((await store.trainedModels.get('m1'))?.algorithm).toBe('gbdt');
  expect((await store.runs.get('r1'))?.experiment).toBe('exp');
  // A run took its experiment's project.
  expect(await store.runs.get('r2')).toBeNull();
  const a = store.inProject('team-a');
  expect((await a.runs.get('r2'))?.experimentId).toBe('e2');
  expect(await a.datasets.getVersion('churn', 'latest')).toBeNull();
  expect(await a.trainedModels.get('m1')).toBeNull();
  // The same name is free in another project; the old one keeps numbering on.
  expect(await a.datasets.createVersion(datasetVersionFixture('churn', 1))).toEqual({ version: 1, created: true });
  expect(await store.datasets.createVersion(datasetVersionFixture('churn', 2))).toEqual({ version: 2, created: true });
  await a.trainedModels.create(trainedModelFixture(1));
  expect(await store.datasets.countArtifactReferences(HASH)).toBe(1);
  expect(await store.trainedModels.countArtifactReferences(HASH)).toBe(1);
}

describe('migration 007 on SQLite', () => {
  it('upgrades a migration-6 database with rows in place', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'kiln-m7-'));
    try {
      const file = join(folder, 'kiln.db');
      await (await openSqliteMetadataStore(file, { migrations: V6 })).close();
      const raw = new Database(file);
      for (const [statement, values] of LEGACY) raw.prepare(statement).run(...values);
      raw.close();
      const store = await openSqliteMetadataStore(file);
      try {
        await expectUpgraded(store);
      } finally {
        await store.close();
      }
      const check = new Database(file);
      try {
        expect(check.pragma('foreign_key_check')).toEqual([]);
        check.pragma('foreign_keys = ON');
        // A version cannot point at a dataset of another project.
        expect(() =>
          check
            .prepare('insert into dataset_versions (project, dataset_name, version, content_hash, row_count, column_count, byte_count, schema_json, profile_json, artifact_hash, format, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
            .run('team-b', 'churn', 1, 'h', 1, 1, 1, '{}', '{}', HASH, 'parquet', AT),
        ).toThrow(/FOREIGN KEY/);
        const indexes = check.prepare("select name from sqlite_master where type = 'index'").all() as { name: string }[];
        expect(indexes.map((r) => r.name)).toEqual(expect.arrayContaining(['dataset_versions_artifact_hash_idx', 'trained_models_project_created_idx', 'runs_project_started_idx']));
      } finally {
        check.close();
      }
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

await withTestPostgres('migration 007', ({ url, admin, freshSchema, dropSchema }) => {
  describe('migration 007 on PostgreSQL', () => {
    it('upgrades a migration-6 schema with rows in place', async () => {
      const schema = freshSchema();
      try {
        await (await openPostgresMetadataStore(url, { schema, migrations: V6 })).close();
        for (const [statement, values] of LEGACY) {
          let i = 0;
          await admin.query(statement.replace(/\b(insert into )(\w+)/, `$1"${schema}".$2`).replace(/\?/g, () => `$${++i}`), [...values]);
        }
        const store = await openPostgresMetadataStore(url, { schema });
        try {
          await expectUpgraded(store);
        } finally {
          await store.close();
        }
        const keys = await admin.query<{ conname: string; def: string }>(
          `select conname, pg_get_constraintdef(c.oid) as def from pg_constraint c join pg_namespace n on n.oid = c.connamespace where n.nspname = $1 and contype in ('p', 'f', 'u')`,
          [schema],
        );
        const def = (name: string): string | undefined => keys.rows.find((r) => r.conname === name)?.def;
        expect(def('datasets_pkey')).toBe('PRIMARY KEY (project, name)');
        expect(def('dataset_versions_pk')).toBe('PRIMARY KEY (project, dataset_name, version)');
        expect(def('dataset_versions_hash_uq')).toBe('UNIQUE (project, dataset_name, content_hash)');
        expect(def('dataset_versions_dataset_fk')).toMatch(/^FOREIGN KEY \(project, dataset_name\) REFERENCES .*datasets\(project, name\) ON DELETE CASCADE$/);
        expect(def('ingest_offsets_pk')).toBe('PRIMARY KEY (project, dataset_name, source)');
        expect(def('dataset_suites_pkey')).toBe('PRIMARY KEY (project, dataset_name)');
        const indexes = await admin.query<{ indexname: string }>('select indexname from pg_indexes where schemaname = $1', [schema]);
        expect(indexes.rows.map((r) => r.indexname)).toEqual(
          expect.arrayContaining(['dataset_versions_artifact_hash_idx', 'trained_models_project_created_idx', 'trained_models_project_dataset_idx', 'runs_project_started_idx']),
        );
      } finally {
        await dropSchema(schema);
      }
    });
  });
});
