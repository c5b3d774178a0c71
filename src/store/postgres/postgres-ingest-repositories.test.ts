/**
 * The ingest-offset and attached-suite contract on a real PostgreSQL (`KILN_TEST_DATABASE_URL`), one
 * schema per test. No server: skipped loudly locally, failed under CI=true.
 */
import pg from 'pg';
import { afterAll, it } from 'vitest';
import { describeIngestRepositoriesContract } from '../ingest-offset-repository.contract.js';
import { openPostgresMetadataStore, redactPassword } from './postgres-metadata-store.js';

const url = process.env.KILN_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const runId = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
let schemaCount = 0;

async function probe(): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    return null;
  } catch (err) {
    return (err as Error).message || String(err);
  } finally {
    await client.end().catch(() => undefined);
  }
}

const unreachable = await probe();
const admin = unreachable === null ? new pg.Pool({ connectionString: url, max: 2 }) : null;
afterAll(async () => {
  await admin?.end();
});

if (unreachable !== null) {
  const message = `PostgreSQL at ${redactPassword(url)} is unreachable (${unreachable}); set KILN_TEST_DATABASE_URL`;
  if (process.env.CI === 'true') {
    it('reaches PostgreSQL (required on CI)', () => {
      throw new Error(message);
    });
  } else {
    console.warn(`\n!!! SKIPPING PostgreSQL ingest repository tests: ${message}\n`);
    it.skip(`PostgreSQL ingest repositories (${message})`, () => undefined);
  }
} else {
  describeIngestRepositoriesContract('postgres', async () => {
    schemaCount += 1;
    const schema = `kiln_test_ingest_${runId}_${schemaCount}`;
    const store = await openPostgresMetadataStore(url, { schema });
    return {
      store,
      dispose: async () => {
        await store.close();
        await admin?.query(`drop schema if exists "${schema}" cascade`);
      },
    };
  });
}
