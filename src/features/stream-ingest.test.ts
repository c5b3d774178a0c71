/**
 * Stream ingestion into the online store against real NATS JetStream and Redis Streams (KILN_TEST_NATS_URL,
 * KILN_TEST_REDIS_URL; unique names per run): newest event wins whatever the arrival order, bad messages
 * are reported by position and do not block, a restarted consumer does not re-read acknowledged messages.
 * Unreachable servers skip loudly locally and fail under CI=true.
 */
import { Redis } from 'ioredis';
import { connect } from 'nats';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../core/errors.js';
import { openStreamSource } from '../store/open-stream-source.js';
import type { FeatureTestKiln } from './feature-test-kiln.js';
import { openFeatureTestKiln } from './feature-test-kiln.js';

const NATS_URL = process.env.KILN_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
const REDIS_URL = process.env.KILN_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const RUN = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of cleanups) await c().catch(() => undefined);
});

async function probe(kind: 'nats' | 'redis'): Promise<string | null> {
  try {
    if (kind === 'nats') {
      const nc = await connect({ servers: NATS_URL, timeout: 3000 });
      await (await nc.jetstreamManager()).getAccountInfo();
      await nc.close();
    } else {
      const r = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 3000 });
      await r.connect();
      r.disconnect();
    }
    return null;
  } catch (err) {
    return (err as Error).message || String(err);
  }
}

const T = (day: number): string => `2026-01-${String(day).padStart(2, '0')}T00:00:00Z`;
/** Newer first, then an older one for the same customer, a bad type, not JSON, an unknown field, another customer. */
const MESSAGES = [
  JSON.stringify({ customer_id: 1, event_ts: T(9), balance: 90, segment: 'new' }),
  JSON.stringify({ customer_id: 1, event_ts: T(2), balance: 20, segment: 'old' }),
  JSON.stringify({ customer_id: 2, event_ts: T(5), balance: 'lots' }),
  'not json',
  JSON.stringify({ customer_id: 3, event_ts: T(5), balance: 1, extra: true }),
  JSON.stringify({ customer_id: 4, event_ts: T(6), balance: 4.5, segment: 'x' }),
];

async function publish(kind: 'nats' | 'redis', name: string, payloads: readonly string[]): Promise<void> {
  if (kind === 'redis') {
    const r = new Redis(REDIS_URL);
    for (const p of payloads) await r.xadd(name, '*', 'data', p);
    r.disconnect();
    cleanups.push(async () => {
      const c = new Redis(REDIS_URL);
      await c.del(name);
      c.disconnect();
    });
    return;
  }
  const nc = await connect({ servers: NATS_URL });
  const jsm = await nc.jetstreamManager();
  const stream = `KILN_FEAT_${RUN}_${name.replace(/\W/g, '_')}`.toUpperCase();
  if (!(await jsm.streams.list().next()).some((s) => s.config.name === stream)) await jsm.streams.add({ name: stream, subjects: [name] });
  const js = nc.jetstream();
  for (const p of payloads) await js.publish(name, new TextEncoder().encode(p));
  await nc.close();
  cleanups.push(async () => {
    const c = await connect({ servers: NATS_URL });
    await (await c.jetstreamManager()).streams.delete(stream).catch(() => undefined);
    await c.close();
  });
}

/** Register the view directly: apply would check a file source, which these tests do not need. */
async function registerStats(t: FeatureTestKiln): Promise<void> {
  await t.kiln.metadata.featureRegistry.append({
    version: 1,
    digest: 'x',
    appliedAt: new Date().toISOString(),
    document: JSON.stringify({ entities: [{ name: 'customer', joinKeys: ['customer_id'] }], featureViews: [{ name: 'stats', version: 1, entities: ['customer'], source: { kind: 'file', path: '/none.csv', timestampField: 'event_ts' }, ttlSeconds: null, features: [{ name: 'balance', type: 'float64' }, { name: 'segment', type: 'string' }], tags: {} }], featureServices: [] }),
  });
}

const [natsDown, redisDown] = await Promise.all([probe('nats'), probe('redis')]);

for (const [kind, down, variable] of [['nats', natsDown, 'KILN_TEST_NATS_URL'], ['redis', redisDown, 'KILN_TEST_REDIS_URL']] as const) {
  const spec = (name: string): string => (kind === 'nats' ? `nats:${name}` : `redis-stream:${name}`);
  const env = kind === 'nats' ? { KILN_NATS_URL: NATS_URL } : { KILN_REDIS_URL: REDIS_URL };
  describe(`feature stream ingestion from ${kind}`, () => {
    let t: FeatureTestKiln;
    beforeEach(async () => {
      t = await openFeatureTestKiln();
    });
    afterEach(async () => {
      await t.dispose();
    });

    it.skipIf(down !== null && process.env.CI !== 'true')(`keeps the newest event, reports bad messages, resumes after restart (${variable})`, async () => {
      if (down !== null) throw new Error(`${kind} is unreachable (${down}); set ${variable}`);
      await registerStats(t);
      const name = `kiln.feat.${RUN}.${kind}`;
      await publish(kind, name, MESSAGES);
      const first = await t.kiln.features.ingestStream('stats', openStreamSource(spec(name), env), { untilIdleMs: 800 });
      expect(first).toMatchObject({ consumed: 6, written: 2, stale: 1, rejectedCount: 3 });
      const reasons = first.rejected.map((r) => r.reason).join('\n');
      for (const reason of [/'balance' must be float64/, /not JSON/, /unknown field 'extra'/]) expect(reasons).toMatch(reason);
      expect(first.rejected.every((r) => r.position.length > 0)).toBe(true);
      const read = await t.kiln.features.online({ features: ['stats:balance', 'stats:segment'], entities: [{ customer_id: 1 }, { customer_id: 4 }] });
      expect(read.results[0].stats__balance).toMatchObject({ status: 'present', value: 90 });
      expect(read.results[0].stats__segment.value).toBe('new');
      expect(read.results[1].stats__balance.value).toBe(4.5);
      // A restart (same durable consumer) sees only what arrived since: here one newer event for customer 1.
      await publish(kind, name, [JSON.stringify({ customer_id: 1, event_ts: T(10), balance: 100, segment: 'newer' })]);
      const second = await t.kiln.features.ingestStream('stats', openStreamSource(spec(name), env), { untilIdleMs: 800 });
      expect(second).toMatchObject({ consumed: 1, written: 1, rejectedCount: 0 });
      const again = await t.kiln.features.online({ features: ['stats:balance'], entities: [{ customer_id: 1 }] });
      expect(again.results[0].stats__balance.value).toBe(100);
    }, 60_000);
  });
}

describe('feature stream ingestion, bad input', () => {
  it('rejects malformed stream specs, unknown views, and names the URL variable of an unreachable server', async () => {
    expect(() => openStreamSource('kafka:x')).toThrow(UsageError);
    expect(() => openStreamSource('nats:a b')).toThrow(UsageError);
    const t = await openFeatureTestKiln();
    try {
      await registerStats(t);
      await expect(t.kiln.features.ingestStream('nope', openStreamSource('nats:x'))).rejects.toThrow(/no feature view 'nope'/);
      const err = await t.kiln.features.ingestStream('stats', openStreamSource('nats:x', { KILN_NATS_URL: 'nats://127.0.0.1:1' })).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UsageError);
      expect((err as Error).message).toContain('nats://127.0.0.1:1');
      expect((err as UsageError).details.field).toBe('KILN_NATS_URL');
    } finally {
      await t.dispose();
    }
  });
});
