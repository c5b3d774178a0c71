/** The ingest-offset and attached-suite contract on SQLite (a temp file). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeIngestRepositoriesContract } from '../ingest-offset-repository.contract.js';
import { openSqliteMetadataStore } from './sqlite-metadata-store.js';

describeIngestRepositoriesContract('sqlite', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'kiln-sqlite-ingest-'));
  const store = await openSqliteMetadataStore(join(folder, 'kiln.db'));
  return {
    store,
    dispose: async () => {
      await store.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
});
