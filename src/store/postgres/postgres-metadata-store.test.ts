/**
 * PostgreSQL adapter: the store contract against a real server, plus PostgreSQL-specific behaviour
 * (schemas, concurrent migration, connection errors). Repository contracts run in
 * postgres-*-repository.test.ts; server, schemas and skipping: postgres-test-harness.ts.
 */
import { describe, expect, it } from 'vitest';
import { ConflictError, UsageError } from '../../core/errors.js';
import { datasetVersionFixture } from '../dataset-repository.contract.js';
import { describeMetadataStoreContract } from '../metadata-store.contract.js';
import { MIGRATIONS } from '../sql/migrations/index.js';
import { openPostgresMetadataStore } from './postgres-metadata-store.js';
import { withTestPostgres } from './postgres-test-harness.js';

await withTestPostgres('metadata store', ({ url, admin, freshSchema, dropSchema, createHarness }) => {
  describeMetadataStoreContract('postgres', createHarness);

  describe('openPostgresMetadataStore', () => {
    it('keeps its tables in the chosen schema and records migrations', async () => {
      const schema = freshSchema();
      try {
        const store = await openPostgresMetadataStore(url, { schema });
        expect(store.dialect).toBe('postgres');
        await store.datasets.createVersion(datasetVersionFixture('iris', 1));
        await store.close();
        const tables = await admin.query<{ table_name: string }>(
          'select table_name from information_schema.tables where table_schema = $1 order by table_name',
          [schema],
        );
        expect(tables.rows.map((r) => r.table_name)).toEqual(expect.arrayContaining(['dataset_versions', 'datasets', 'kiln_migrations']));
        const migrations = await admin.query(`select id, name from "${schema}".kiln_migrations order by id`);
        expect(migrations.rows).toEqual(MIGRATIONS.map((m) => ({ id: m.id, name: m.name })));
      } finally {
        await dropSchema(schema);
      }
    });

    it('migrates safely when several processes open at once', async () => {
      const schema = freshSchema();
      try {
        // allSettled: a failed open must not leave the others running while the schema is dropped.
        const settled = await Promise.allSettled([1, 2, 3].map(() => openPostgresMetadataStore(url, { schema, maxConnections: 2 })));
        const stores = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
        if (stores.length < settled.length) {
          for (const store of stores) await store.close();
          throw settled.find((r) => r.status === 'rejected')?.reason;
        }
        const migrations = await admin.query(`select count(*)::int as n from "${schema}".kiln_migrations`);
        expect(migrations.rows[0]).toEqual({ n: MIGRATIONS.length });
        // Registrations racing through three separate pools still get distinct versions.
        try {
          const results = await Promise.all(stores.flatMap((s, i) => [1, 2].map((k) => s.datasets.createVersion(datasetVersionFixture('race', i * 2 + k)))));
          expect(results.map((r) => r.version).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
        } finally {
          for (const store of stores) await store.close();
        }
      } finally {
        await dropSchema(schema);
      }
    });

    it('refuses a database migrated by a newer Kiln', async () => {
      const schema = freshSchema();
      try {
        await (await openPostgresMetadataStore(url, { schema })).close();
        await admin.query(`insert into "${schema}".kiln_migrations (id, name, applied_at) values (99, '099-from-the-future', '2099-01-01')`);
        const err = await openPostgresMetadataStore(url, { schema }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(ConflictError);
        expect((err as Error).message).toMatch(/newer Kiln.*099-from-the-future/);
      } finally {
        await dropSchema(schema);
      }
    });

    it('reports an unreachable server as a UsageError without the password', async () => {
      const err = await openPostgresMetadataStore('postgres://kiln:s3cret@127.0.0.1:1/kiln').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UsageError);
      expect((err as Error).message).toContain('127.0.0.1:1');
      expect((err as Error).message).not.toContain('s3cret');
    });

    it('rejects a schema name that is not a plain identifier', async () => {
      await expect(openPostgresMetadataStore(url, { schema: 'x"; drop schema public; --' })).rejects.toBeInstanceOf(UsageError);
    });
  });
});
