/** The monitor repository contract on SQLite (a temp file). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeMonitorRepositoryContract } from '../monitor-repository.contract.js';
import { openSqliteMetadataStore } from './sqlite-metadata-store.js';

describeMonitorRepositoryContract('sqlite', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'kiln-sqlite-monitors-'));
  const store = await openSqliteMetadataStore(join(folder, 'kiln.db'));
  return {
    store,
    dispose: async () => {
      await store.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
});
