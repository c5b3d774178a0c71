/**
 * Migration 2 on both dialects: a database with migration-1 rows upgrades in place (old rows keep their
 * inline documents), PostgreSQL gets jsonb and bigint columns, and the CHECK constraints hold.
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
import { MIGRATIONS } from './index.js';

const V1 = MIGRATIONS.slice(0, 1);
const LEGACY_COLUMNS = 'dataset_name, version, content_hash, row_count, column_count, byte_count, schema_json, profile_json, artifact_hash, format, source, created_at';
const LEGACY_VALUES = ['old', 1, 'h1', 100, 3, 4096, '{"fields":[{"name":"x"}]}', '{"rows":100,"columns":[]}', 'a'.repeat(64), 'parquet', 'old.csv', '2024-01-01T00:00:00.000Z'];

/** What every dialect must show after upgrading a migration-1 database holding one version. */
async function expectUpgraded(store: MetadataStore): Promise<void> {
  const old = await store.datasets.getVersion('old', 1);
  expect(old).toMatchObject({
    rows: 100,
    columns: 3,
    schema: { kind: 'inline', value: { fields: [{ name: 'x' }] } },
    profile: { kind: 'inline', value: { rows: 100, columns: [] } },
    summary: null,
  });
  expect(await store.datasets.createVersion(datasetVersionFixture('old', 5))).toEqual({ version: 2, created: true });
  expect((await store.datasets.getVersion('old', 2))?.profile).toEqual(datasetVersionFixture('old', 5).profile);
  expect(await store.datasets.countArtifactReferences('a'.repeat(64))).toBe(1);
}

describe('migration 002 on SQLite', () => {
  it('upgrades a migration-1 database with rows in place', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'kiln-m2-'));
    try {
      const file = join(folder, 'kiln.db');
      await (await openSqliteMetadataStore(file, { migrations: V1 })).close();
      const raw = new Database(file);
      raw.prepare("insert into datasets values ('old', 1, '2024-01-01T00:00:00.000Z', '2024-01-01T00:00:00.000Z')").run();
      raw.prepare(`insert into dataset_versions (${LEGACY_COLUMNS}) values (${LEGACY_VALUES.map(() => '?').join(', ')})`).run(...LEGACY_VALUES);
      raw.close();
      const store = await openSqliteMetadataStore(file);
      try {
        await expectUpgraded(store);
      } finally {
        await store.close();
      }
      const check = new Database(file);
      try {
        // Both documents of a pair set, or neither: refused by the CHECK constraint.
        expect(() =>
          check.prepare(`insert into dataset_versions (${LEGACY_COLUMNS}, profile_artifact_hash) values (${LEGACY_VALUES.map(() => '?').join(', ')}, 'x')`).run(...LEGACY_VALUES.map((v, i) => (i === 1 ? 9 : i === 2 ? 'h9' : v))),
        ).toThrow(/CHECK/);
        expect(check.pragma('foreign_key_check')).toEqual([]);
      } finally {
        check.close();
      }
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

await withTestPostgres('migration 002', ({ url, admin, freshSchema, dropSchema }) => {
  describe('migration 002 on PostgreSQL', () => {
    it('upgrades a migration-1 schema with rows to jsonb and bigint columns', async () => {
      const schema = freshSchema();
      try {
        await (await openPostgresMetadataStore(url, { schema, migrations: V1 })).close();
        await admin.query(`insert into "${schema}".datasets values ('old', 1, '2024-01-01T00:00:00.000Z', '2024-01-01T00:00:00.000Z')`);
        await admin.query(`insert into "${schema}".dataset_versions (${LEGACY_COLUMNS}) values (${LEGACY_VALUES.map((_, i) => `$${i + 1}`).join(', ')})`, LEGACY_VALUES);
        const store = await openPostgresMetadataStore(url, { schema });
        try {
          await expectUpgraded(store);
        } finally {
          await store.close();
        }
        const types = await admin.query<{ table_name: string; column_name: string; data_type: string }>(
          `select table_name, column_name, data_type from information_schema.columns where table_schema = $1 and table_name in ('datasets', 'dataset_versions')`,
          [schema],
        );
        const typeOf = (table: string, column: string): string | undefined => types.rows.find((r) => r.table_name === table && r.column_name === column)?.data_type;
        expect(typeOf('datasets', 'latest_version')).toBe('bigint');
        for (const column of ['version', 'row_count', 'column_count', 'byte_count']) expect(typeOf('dataset_versions', column), column).toBe('bigint');
        for (const column of ['schema_json', 'profile_json', 'summary_json']) expect(typeOf('dataset_versions', column), column).toBe('jsonb');
        const indexes = await admin.query<{ indexname: string }>('select indexname from pg_indexes where schemaname = $1', [schema]);
        expect(indexes.rows.map((r) => r.indexname)).toEqual(
          expect.arrayContaining(['dataset_versions_artifact_hash_idx', 'dataset_versions_schema_artifact_hash_idx', 'dataset_versions_profile_artifact_hash_idx']),
        );
      } finally {
        await dropSchema(schema);
      }
    });
  });
});
