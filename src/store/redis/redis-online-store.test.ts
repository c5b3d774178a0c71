/**
 * The online-store contract on a real Redis (`KILN_TEST_REDIS_URL`, default redis://127.0.0.1:6379), a
 * unique key prefix per test. Unreachable: a loud skip locally, a failure under CI=true.
 */
import { Redis } from 'ioredis';
import { expect, it } from 'vitest';
import { UsageError } from '../../core/errors.js';
import { describeOnlineStoreContract } from '../online-store.contract.js';
import { openRedisOnlineStore } from './redis-online-store.js';

const URL = process.env.KILN_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const RUN = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
let count = 0;

async function probe(): Promise<string | null> {
  const r = new Redis(URL, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2000, retryStrategy: () => null });
  try {
    await r.connect();
    await r.ping();
    return null;
  } catch (err) {
    return (err as Error).message || String(err);
  } finally {
    r.disconnect();
  }
}

const down = await probe();
if (down === null) {
  describeOnlineStoreContract('redis', async () => {
    const prefix = `kiln-test:${RUN}:${++count}:`;
    const store = await openRedisOnlineStore(URL, { prefix });
    return {
      store,
      dispose: async () => {
        const r = new Redis(URL);
        const keys = await r.keys(`${prefix}*`);
        if (keys.length) await r.del(...keys);
        r.disconnect();
        await store.close();
      },
    };
  });
} else if (process.env.CI === 'true') {
  it('reaches Redis (required on CI)', () => {
    throw new Error(`Redis at ${URL} is unreachable (${down}); set KILN_TEST_REDIS_URL`);
  });
} else {
  console.warn(`\n!!! SKIPPING Redis online-store tests: Redis at ${URL} is unreachable (${down}); set KILN_TEST_REDIS_URL\n`);
  it.skip(`Redis online store (${down})`, () => undefined);
}

it('names the URL variable when Redis is unreachable', async () => {
  const err = await openRedisOnlineStore('redis://127.0.0.1:1', { variable: 'KILN_ONLINE_STORE_URL' }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(UsageError);
  expect((err as UsageError).details.field).toBe('KILN_ONLINE_STORE_URL');
});
