/** SQLite adapter: the store contract on a temp file, plus SQLite-specific behaviour (repository contracts: sqlite-*-repository.test.ts). */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { ConflictError, UsageError } from '../../core/errors.js';
import { datasetVersionFixture } from '../dataset-repository.contract.js';
import { describeMetadataStoreContract } from '../metadata-store.contract.js';
import { MIGRATIONS } from '../sql/migrations/index.js';
import { openSqliteMetadataStore, SQLITE_MEMORY } from './sqlite-metadata-store.js';
import { createSqliteHarness } from './sqlite-test-harness.js';

function tempFolder(): string {
  return mkdtempSync(join(tmpdir(), 'kiln-sqlite-'));
}

describeMetadataStoreContract('sqlite', createSqliteHarness);

describe('openSqliteMetadataStore', () => {
  it('uses WAL, foreign keys, and records migrations', async () => {
    const folder = tempFolder();
    try {
      const file = join(folder, 'nested', 'kiln.db');
      const store = await openSqliteMetadataStore(file);
      expect(store.dialect).toBe('sqlite');
      await store.close();
      const raw = new Database(file, { readonly: true });
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
      const rows = raw.prepare('select id, name from kiln_migrations order by id').all();
      expect(rows).toEqual(MIGRATIONS.map((m) => ({ id: m.id, name: m.name })));
      raw.close();
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('works in memory', async () => {
    const store = await openSqliteMetadataStore(SQLITE_MEMORY);
    expect(await store.datasets.createVersion(datasetVersionFixture('m', 1))).toEqual({ version: 1, created: true });
    await store.close();
  });

  it('refuses a database migrated by a newer Kiln', async () => {
    const folder = tempFolder();
    try {
      const file = join(folder, 'kiln.db');
      await (await openSqliteMetadataStore(file)).close();
      const raw = new Database(file);
      raw.prepare("insert into kiln_migrations (id, name, applied_at) values (99, '099-from-the-future', '2099-01-01')").run();
      raw.close();
      const err = await openSqliteMetadataStore(file).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConflictError);
      expect((err as Error).message).toMatch(new RegExp(`newer Kiln.*099-from-the-future.*${MIGRATIONS.at(-1)!.name}`));
      expect((err as Error).message).toContain(file);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('refuses a migration recorded under another name', async () => {
    const folder = tempFolder();
    try {
      const file = join(folder, 'kiln.db');
      await (await openSqliteMetadataStore(file)).close();
      const raw = new Database(file);
      raw.prepare("update kiln_migrations set name = '001-something-else' where id = 1").run();
      raw.close();
      await expect(openSqliteMetadataStore(file)).rejects.toThrow(/001-something-else.*001-datasets/);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('applies only the migrations that are missing', async () => {
    const folder = tempFolder();
    try {
      const file = join(folder, 'kiln.db');
      await (await openSqliteMetadataStore(file)).close();
      const extra = { id: MIGRATIONS.at(-1)!.id + 1, name: '999-test', up: async (db: Parameters<(typeof MIGRATIONS)[number]['up']>[0]) => {
        await db.schema.createTable('test_extra').addColumn('x', 'integer').execute();
      } };
      const store = await openSqliteMetadataStore(file, { migrations: [...MIGRATIONS, extra] });
      await store.close();
      const raw = new Database(file, { readonly: true });
      expect(raw.prepare('select name from kiln_migrations order by id').pluck().all()).toEqual([...MIGRATIONS.map((m) => m.name), '999-test']);
      raw.close();
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('rolls back a failing migration entirely', async () => {
    const folder = tempFolder();
    try {
      const file = join(folder, 'kiln.db');
      const broken = { id: MIGRATIONS.at(-1)!.id + 1, name: '999-broken', up: async () => { throw new Error('migration failed'); } };
      await expect(openSqliteMetadataStore(file, { migrations: [...MIGRATIONS, broken] })).rejects.toThrow('migration failed');
      const raw = new Database(file, { readonly: true });
      // The earlier migrations ran in the same transaction, so they are gone too: the file is as if never migrated.
      expect(raw.prepare("select count(*) from sqlite_master where name in ('datasets', 'kiln_migrations')").pluck().get()).toBe(0);
      raw.close();
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('turns an unusable file into a UsageError naming it', async () => {
    const folder = tempFolder();
    try {
      const file = join(folder, 'not-a-db.db');
      writeFileSync(file, 'this is not a SQLite database, just some text that is long enough to have a header......');
      const err = await openSqliteMetadataStore(file).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UsageError);
      expect((err as UsageError).details.file).toBe(file);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
