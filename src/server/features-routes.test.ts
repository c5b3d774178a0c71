/** `POST /v1/features/online`, `/v1/features/push` and `GET /v1/features/views/:name/stats`: values with statuses, per-record rejection, 4xx for bad bodies. */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FeatureViewStats } from '../features/feature-stats.js';
import { loadDefinitions } from '../features/load-definitions.js';
import type { Kiln } from '../kiln.js';
import { openKiln } from '../kiln.js';
import { createApp } from './create-app.js';
import type { KilnApp } from './kiln-app.js';

let dir = '';
let kiln: Kiln;
let app: KilnApp;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kiln-feature-routes-'));
  kiln = await openKiln({ home: join(dir, 'home'), databaseUrl: undefined, artifactsUrl: undefined });
  await cp(join(import.meta.dirname, '../../test/fixtures/features/pit'), join(dir, 'repo'), { recursive: true });
  await kiln.features.apply((await loadDefinitions(join(dir, 'repo'))).definitions);
  // Route behaviour is under test; permissions are covered by route-permissions.test.ts.
  app = await createApp(kiln, { logger: false, auth: { mode: 'off' } });
});
afterAll(async () => {
  await app?.close();
  await kiln?.close();
  await rm(dir, { recursive: true, force: true });
});

const post = async (url: string, payload: unknown): Promise<{ status: number; body: Record<string, unknown> }> => {
  const res = await app.inject({ method: 'POST', url, payload: payload as Record<string, unknown> });
  return { status: res.statusCode, body: res.json<Record<string, unknown>>() };
};

describe('feature routes', () => {
  it('pushes rows (rejecting bad ones with reasons) and reads them back with statuses', async () => {
    const now = new Date().toISOString();
    const pushed = await post('/v1/features/push', {
      view: 'customer_stats',
      rows: [{ customer_id: 1, event_ts: now, balance: 12.5, segment: 'gold' }, { customer_id: 2, event_ts: now, balance: 'lots' }, { customer_id: 3, event_ts: 'never' }],
    });
    expect(pushed.status).toBe(200);
    expect(pushed.body).toMatchObject({ accepted: 1, written: 1, stale: 0 });
    expect((pushed.body.rejected as Array<{ index: number; reason: string }>).map((r) => r.index)).toEqual([1, 2]);
    const read = await post('/v1/features/online', { service: 'churn_v1', entities: [{ customer_id: 1 }, { customer_id: 9 }] });
    expect(read.status).toBe(200);
    const results = read.body.results as Array<Record<string, { status: string; value: unknown }>>;
    expect(results[0].customer_stats__balance).toMatchObject({ status: 'present', value: 12.5 });
    expect(results[0].activity__clicks.status).toBe('missing');
    expect(results[1].customer_stats__segment.status).toBe('missing');
  });

  it('answers 4xx, never 500, for bad bodies', async () => {
    expect((await post('/v1/features/online', { service: 'nope', entities: [] })).status).toBe(404);
    expect((await post('/v1/features/online', { service: 'churn_v1', entities: [{ id: 1 }] })).status).toBe(400);
    expect((await post('/v1/features/online', { features: ['bad ref'], entities: [{ customer_id: 1 }] })).status).toBe(400);
    expect((await post('/v1/features/online', { entities: [{ customer_id: 1 }] })).status).toBe(400);
    expect((await post('/v1/features/online', { entities: 'x' })).status).toBe(400);
    expect((await post('/v1/features/online', { service: 'churn_v1', entities: [{ customer_id: 1 }], requestData: [{}, {}] })).status).toBe(400);
    expect((await post('/v1/features/online', { service: 'churn_v1', entities: [{ customer_id: 1 }], requestData: [{ amount: [1] }] })).status).toBe(400);
    expect((await post('/v1/features/push', { view: 'nope', rows: [] })).status).toBe(404);
    expect((await post('/v1/features/push', { view: 'customer_stats', rows: 5 })).status).toBe(400);
    expect((await post('/v1/features/push', { view: 'customer_stats', rows: [], extra: 1 })).status).toBe(400);
  });

  it('profiles a view offline and online (hand-checked against stats.csv), after the push above', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/features/views/customer_stats/stats' });
    expect(res.statusCode).toBe(200);
    const body = res.json<FeatureViewStats>();
    expect(body).toMatchObject({
      view: 'customer_stats',
      version: 1,
      offline: { rows: 7, entities: 2, earliestEventTime: '2026-01-02T00:00:00.000Z', latestEventTime: '2026-01-21T00:00:00.000Z' },
      online: { entities: 1 },
      materialization: null,
      freshness: { ttlSeconds: 2_592_000, stale: false },
    });
    // The pushed row (event time: the test's now) is the newest anywhere.
    expect(body.freshness.latestEventTime).toBe(body.online.latestEventTime);
    const [balance, segment] = body.features;
    // Python: statistics.mean / stdev / median of [10, 25, 20, 99, 50, 40, 30].
    expect(balance).toMatchObject({ name: 'balance', type: 'float64', count: 7, missing: 0, min: 10, max: 99, quantiles: { p50: 30 } });
    expect(balance.mean).toBeCloseTo(39.142857142857146, 12);
    expect(balance.std).toBeCloseTo(29.441629095712823, 12);
    expect(segment).toMatchObject({ name: 'segment', type: 'string', count: 7, distinct: 7, mean: null });
    expect(segment.topCategories?.map((c) => c.count)).toEqual([1, 1, 1, 1, 1, 1, 1]);
  });

  it('answers 404 for an unknown view and 400 for a malformed name', async () => {
    expect((await app.inject({ method: 'GET', url: '/v1/features/views/nope/stats' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: `/v1/features/views/${'x'.repeat(200)}/stats` })).statusCode).toBe(400);
  });
});
