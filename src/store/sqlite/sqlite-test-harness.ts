/**
 * Test support: a `MetadataStoreHarness` over a fresh SQLite file in a temp folder, for the contract
 * suites (`describe<Name>RepositoryContract('sqlite', createSqliteHarness)`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MetadataStoreHarness } from '../metadata-store.contract.js';
import type { MetadataStore } from '../metadata-store.js';
import { openSqliteMetadataStore } from './sqlite-metadata-store.js';

/** A fresh migrated SQLite database; `dispose` closes every store opened on it and deletes the folder. */
export async function createSqliteHarness(): Promise<MetadataStoreHarness> {
  const folder = mkdtempSync(join(tmpdir(), 'kiln-sqlite-'));
  const file = join(folder, 'kiln.db');
  const opened: MetadataStore[] = [];
  const open = async (): Promise<MetadataStore> => {
    const store = await openSqliteMetadataStore(file);
    opened.push(store);
    return store;
  };
  return {
    store: await open(),
    reopen: open,
    dispose: async () => {
      for (const store of opened) await store.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
