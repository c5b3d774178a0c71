/**
 * Test support for suites on a real PostgreSQL (`KILN_TEST_DATABASE_URL`, default
 * postgres://postgres@127.0.0.1:5432/test). Each harness gets its own schema
 * `kiln_test_<run>_<n>`, dropped on dispose, so parallel runs never collide. No server: the suite is
 * skipped with a loud warning locally and fails under CI=true, so contracts always run on CI.
 */
import pg from 'pg';
import { afterAll, it } from 'vitest';
import type { MetadataStoreHarness } from '../metadata-store.contract.js';
import type { MetadataStore } from '../metadata-store.js';
import { openPostgresMetadataStore, redactPassword } from './postgres-metadata-store.js';

/** The server the PostgreSQL suites use. */
export const TEST_DATABASE_URL = process.env.KILN_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const runId = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
let schemaCount = 0;

/** What a PostgreSQL suite gets: an admin pool and fresh schemas/harnesses. */
export interface PostgresTestContext {
  url: string;
  admin: pg.Pool;
  /** A new unique schema name (not created). */
  freshSchema(): string;
  /** Drops a schema and everything in it. */
  dropSchema(schema: string): Promise<void>;
  /** A fresh migrated store in its own schema. */
  createHarness(): Promise<MetadataStoreHarness>;
}

async function probe(url: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return null;
  } catch (err) {
    return (err as Error).message || String(err);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Runs `register` (which declares the suites) when PostgreSQL is reachable; otherwise declares one
 * skipped test with a warning, or a failing one under CI=true.
 */
export async function withTestPostgres(label: string, register: (ctx: PostgresTestContext) => void): Promise<void> {
  const url = TEST_DATABASE_URL;
  const unreachable = await probe(url);
  if (unreachable !== null) {
    const message = `PostgreSQL at ${redactPassword(url)} is unreachable (${unreachable}); set KILN_TEST_DATABASE_URL`;
    if (process.env.CI === 'true') {
      it('reaches PostgreSQL (required on CI)', () => {
        throw new Error(message);
      });
    } else {
      // Deliberately a skip only off CI: a developer without a local PostgreSQL still gets a green run.
      console.warn(`\n!!! SKIPPING PostgreSQL ${label} tests: ${message}\n`);
      it.skip(`PostgreSQL ${label} (${message})`, () => undefined);
    }
    return;
  }
  const admin = new pg.Pool({ connectionString: url, max: 2 });
  afterAll(async () => {
    await admin.end();
  });
  const freshSchema = (): string => `kiln_test_${runId}_${++schemaCount}`;
  const dropSchema = async (schema: string): Promise<void> => {
    await admin.query(`drop schema if exists "${schema}" cascade`);
  };
  const createHarness = async (): Promise<MetadataStoreHarness> => {
    const schema = freshSchema();
    const opened: MetadataStore[] = [];
    const open = async (): Promise<MetadataStore> => {
      const store = await openPostgresMetadataStore(url, { schema });
      opened.push(store);
      return store;
    };
    return {
      store: await open(),
      reopen: open,
      dispose: async () => {
        for (const store of opened) await store.close();
        await dropSchema(schema);
      },
    };
  };
  register({ url, admin, freshSchema, dropSchema, createHarness });
}
