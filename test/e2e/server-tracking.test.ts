/**
 * End-to-end (through `app.inject`): the tracking API. Start a run, log params/metrics (NaN and Infinity
 * as strings)/tags, end it, search, show, delete; bad input is 4xx with Kiln's error body; every route
 * declares its permission; the routes are in the OpenAPI document.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kiln } from '../../src/kiln.js';
import { openKiln } from '../../src/kiln.js';
import { createApp } from '../../src/server/create-app.js';
import type { KilnApp } from '../../src/server/kiln-app.js';

describe('HTTP tracking API', () => {
  let kiln: Kiln;
  let app: KilnApp;
  const permissions = new Map<string, string | undefined>();
  beforeAll(async () => {
    const home = await mkdtemp(join(tmpdir(), 'kiln-http-tracking-'));
    kiln = await openKiln({ home, databaseUrl: undefined, artifactsUrl: undefined });
    app = await createApp(kiln, { logger: false, auth: { mode: 'off' } });
    // Record the permission each tracking route declares, as the auth layer will read it.
    app.addHook('onRequest', async (req) => {
      if (req.url.startsWith('/v1/runs') || req.url.startsWith('/v1/experiments')) {
        permissions.set(`${req.method} ${req.routeOptions.url ?? req.url}`, (req.routeOptions.config as { permission?: string }).permission);
      }
    });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await kiln.close();
  });

  it('runs the lifecycle over HTTP', async () => {
    const started = await app.inject({ method: 'POST', url: '/v1/runs', payload: { experiment: 'web', params: { lr: 0.1 }, seed: 3 } });
    expect(started.statusCode, started.body).toBe(201);
    const id = started.json<{ id: string }>().id;
    const metrics = await app.inject({
      method: 'POST',
      url: `/v1/runs/${id}/metrics`,
      payload: { metrics: [{ key: 'loss', value: 0.5, step: 0 }, { key: 'loss', value: 0.25, step: 1 }, { key: 'odd', value: 'NaN' }, { key: 'big', value: 'Infinity' }] },
    });
    expect(metrics.statusCode, metrics.body).toBe(200);
    expect((await app.inject({ method: 'POST', url: `/v1/runs/${id}/tags`, payload: { tags: { team: 'risk' } } })).statusCode).toBe(200);
    const conflict = await app.inject({ method: 'POST', url: `/v1/runs/${id}/params`, payload: { params: { lr: 0.2 } } });
    expect(conflict.statusCode).toBe(409);
    expect(conflict.json()).toMatchObject({ error: { code: 'conflict' } });
    const ended = await app.inject({ method: 'POST', url: `/v1/runs/${id}/end`, payload: {} });
    expect(ended.json()).toMatchObject({ status: 'finished', metrics: { loss: 0.25, odd: 'NaN', big: 'Infinity' }, params: { lr: '0.1' }, tags: { team: 'risk' } });
    expect((await app.inject({ method: 'POST', url: `/v1/runs/${id}/metrics`, payload: { metrics: [{ key: 'x', value: 1 }] } })).statusCode).toBe(409);

    const search = await app.inject({ method: 'GET', url: `/v1/runs?filter=${encodeURIComponent('metrics.loss < 0.3 and tags.team = "risk"')}&experiment=web&limit=10` });
    expect(search.statusCode, search.body).toBe(200);
    expect(search.json<{ runs: { id: string }[] }>().runs.map((r) => r.id)).toEqual([id]);
    const bad = await app.inject({ method: 'GET', url: `/v1/runs?filter=${encodeURIComponent('metrics.loss <')}` });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: { code: 'usage', details: { position: 14 } } });

    const show = await app.inject({ method: 'GET', url: `/v1/runs/${id}` });
    expect(show.json<{ series: Record<string, unknown[]> }>().series.loss).toHaveLength(2);
    expect((await app.inject({ method: 'GET', url: '/v1/runs/nope' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'POST', url: '/v1/runs/nope/metrics', payload: { metrics: [{ key: 'x', value: 1 }] } })).statusCode).toBe(404);
    expect((await app.inject({ method: 'POST', url: `/v1/runs/${id}/metrics`, payload: { metrics: [{ key: 'x', value: 'lots' }] } })).statusCode).toBe(400);
    expect((await app.inject({ method: 'DELETE', url: `/v1/runs/${id}` })).statusCode).toBe(200);
    expect((await app.inject({ method: 'DELETE', url: `/v1/runs/${id}` })).statusCode).toBe(404);
  });

  it('manages experiments', async () => {
    expect((await app.inject({ method: 'POST', url: '/v1/experiments', payload: { name: 'made' } })).statusCode).toBe(201);
    expect((await app.inject({ method: 'POST', url: '/v1/experiments', payload: { name: 'made' } })).statusCode).toBe(409);
    const list = await app.inject({ method: 'GET', url: '/v1/experiments' });
    expect(list.json<{ experiments: { name: string }[] }>().experiments.map((e) => e.name)).toContain('made');
  });

  it('declares a permission on every tracking route', () => {
    expect(Object.fromEntries(permissions)).toEqual({
      'POST /v1/runs': 'runs:write',
      'POST /v1/runs/:id/metrics': 'runs:write',
      'POST /v1/runs/:id/tags': 'runs:write',
      'POST /v1/runs/:id/params': 'runs:write',
      'POST /v1/runs/:id/end': 'runs:write',
      'GET /v1/runs': 'runs:read',
      'GET /v1/runs/:id': 'runs:read',
      'DELETE /v1/runs/:id': 'runs:write',
      'POST /v1/experiments': 'experiments:write',
      'GET /v1/experiments': 'experiments:read',
    });
  });

  it('documents the routes in OpenAPI', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json<{ paths: Record<string, unknown> }>();
    for (const p of ['/v1/experiments', '/v1/runs', '/v1/runs/{id}', '/v1/runs/{id}/metrics', '/v1/runs/{id}/params', '/v1/runs/{id}/tags', '/v1/runs/{id}/end']) expect(doc.paths[p], p).toBeDefined();
  });
});
