/** `POST /v1/features/online` and `/v1/features/push`: values with statuses, per-record rejection, 4xx for bad bodies. */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
    expect((await post('/v1/features/push', { view: 'nope', rows: [] })).status).toBe(404);
    expect((await post('/v1/features/push', { view: 'customer_stats', rows: 5 })).status).toBe(400);
    expect((await post('/v1/features/push', { view: 'customer_stats', rows: [], extra: 1 })).status).toBe(400);
  });
});
