/**
 * Chooses the online store adapter from a URL: `redis://` / `rediss://` -> Redis, unset -> the embedded
 * SQLite file `<home>/online.db`. Adapters load lazily: a Kiln that never serves online features never
 * opens either.
 */
import { join } from 'node:path';
import { UsageError } from '../core/errors.js';
import type { OnlineStore } from './online-store.js';

/** Open the online store named by `url` (the value of KILN_ONLINE_STORE_URL), or the embedded one. */
export async function openOnlineStore(url: string | undefined, home: string): Promise<OnlineStore> {
  if (url === undefined || url === '') {
    const { openSqliteOnlineStore } = await import('./sqlite/sqlite-online-store.js');
    return openSqliteOnlineStore(join(home, 'online.db'));
  }
  if (/^rediss?:\/\//.test(url)) {
    const { openRedisOnlineStore } = await import('./redis/redis-online-store.js');
    return openRedisOnlineStore(url, { variable: 'KILN_ONLINE_STORE_URL' });
  }
  throw new UsageError(`KILN_ONLINE_STORE_URL must be redis://HOST:PORT (or unset for the embedded store), got ${url.slice(0, 40)}`, { field: 'KILN_ONLINE_STORE_URL' });
}

/** An online store opened on first `get()` (once), and closed by `close()` only if it was opened. */
export function lazyOnlineStore(url: string | undefined, home: string): { get: () => Promise<OnlineStore>; close: () => Promise<void> } {
  let opening: Promise<OnlineStore> | undefined;
  return {
    // A failed open is not cached: the next call (a retried request) tries again.
    get: () =>
      (opening ??= openOnlineStore(url, home).catch((err: unknown) => {
        opening = undefined;
        throw err;
      })),
    close: async () => {
      if (opening) await opening.then((s) => s.close(), () => undefined);
    },
  };
}
