/** The alert-repository contract on SQLite (a temp file). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeAlertRepositoryContract } from '../alert-repository.contract.js';
import { openSqliteMetadataStore } from './sqlite-metadata-store.js';

describeAlertRepositoryContract('sqlite', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'kiln-sqlite-alerts-'));
  const store = await openSqliteMetadataStore(join(folder, 'kiln.db'));
  return {
    store,
    dispose: async () => {
      await store.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
});
