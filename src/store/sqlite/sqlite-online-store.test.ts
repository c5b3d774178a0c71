/** The online-store contract on the embedded SQLite adapter (a temp file). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeOnlineStoreContract } from '../online-store.contract.js';
import { openSqliteOnlineStore } from './sqlite-online-store.js';

describeOnlineStoreContract('sqlite', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'kiln-online-'));
  const store = openSqliteOnlineStore(join(folder, 'online.db'));
  return {
    store,
    dispose: async () => {
      await store.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
});
