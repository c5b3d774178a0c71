/**
 * Test support: the feature store's services on a temp home (SQLite metadata, embedded online store)
 * and a scratch folder, removed by `dispose`. Built from the lower layers directly: features may not
 * import `kiln.ts`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withDuckDb } from '../data/io/duckdb-session.js';
import { DatasetService } from '../data/datasets/dataset-service.js';
import { SecurityService } from '../security/security-service.js';
import type { MetadataStore } from '../store/metadata-store.js';
import { openArtifactStore } from '../store/open-artifact-store.js';
import { lazyOnlineStore } from '../store/open-online-store.js';
import { openSqliteMetadataStore } from '../store/sqlite/sqlite-metadata-store.js';
import { FeatureStoreService } from './feature-store-service.js';

/** The parts of a Kiln the feature store uses. */
export interface FeatureKilnParts {
  readonly metadata: MetadataStore;
  readonly features: FeatureStoreService;
}

/** Temp services plus a scratch folder. */
export interface FeatureTestKiln {
  readonly kiln: FeatureKilnParts;
  readonly dir: string;
  dispose(): Promise<void>;
}

/** Open fresh embedded feature-store services in a temp folder. */
export async function openFeatureTestKiln(): Promise<FeatureTestKiln> {
  const dir = await mkdtemp(join(tmpdir(), 'kiln-features-'));
  const home = join(dir, 'home');
  const metadata = await openSqliteMetadataStore(join(home, 'kiln.db'));
  const artifacts = await openArtifactStore(undefined, home);
  const security = new SecurityService(metadata, null);
  const datasets = new DatasetService(metadata, artifacts, security, join(home, 'tmp', 'parts'));
  const online = lazyOnlineStore(undefined, home);
  const kiln = { metadata, features: new FeatureStoreService(metadata, datasets, security, online.get, artifacts, join(home, 'features', 'offline-index')) };
  return {
    kiln,
    dir,
    dispose: async () => {
      await online.close();
      await metadata.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Rows of a CSV/Parquet file as strings (null for empty), timestamps as ISO-8601 UTC. */
export async function readRows(path: string): Promise<Array<Record<string, string | null>>> {
  return withDuckDb(async (conn) => {
    await conn.run("SET TimeZone = 'UTC'");
    const rel = path.endsWith('.parquet') ? `read_parquet('${path}')` : `read_csv('${path}', all_varchar = true)`;
    const rows = (await conn.runAndReadAll(`SELECT * FROM ${rel}`)).getRowObjectsJS();
    return rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === null ? null : v instanceof Date ? v.toISOString() : String(v)])));
  });
}
