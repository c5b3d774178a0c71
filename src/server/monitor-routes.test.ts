/**
 * `/v1/monitors` and `/v1/baselines` over HTTP (fastify inject): create, list, show, run, runs, results and
 * delete; bad input is a 4xx naming the field (malformed cron, unknown detectors, bundle-file references,
 * unknown names), never a 500.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kiln } from '../kiln.js';
import { openKiln } from '../kiln.js';
import { createApp } from './create-app.js';
import type { KilnApp } from './kiln-app.js';

let kiln: Kiln;
let app: KilnApp;
let modelRef: string;

beforeAll(async () => {
  const home = await mkdtemp(join(tmpdir(), 'kiln-monitor-routes-'));
  kiln = await openKiln({ home, databaseUrl: undefined });
  const csv = join(home, 't.csv');
  await writeFile(csv, `x,y\n${Array.from({ length: 80 }, (_, i) => `${i % 13},${i % 13 > 6 ? 'a' : 'b'}`).join('\n')}\n`);
  modelRef = `trained:${(await kiln.training.train({ data: { file: csv }, target: 'y', params: { numTrees: 3 } })).model.id}`;
  await kiln.endpoints.create({ name: 'web', model: modelRef });
  app = await createApp(kiln, { logger: false, auth: { mode: 'off' } });
}, 60_000);
afterAll(async () => {
  await app?.close();
  await kiln?.close();
});

const send = (method: 'GET' | 'POST' | 'DELETE', url: string, body?: unknown) =>
  app.inject({ method, url, ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) } : {}) });

describe('monitor routes', () => {
  it('creates a baseline and a monitor, runs it, and reads runs and results back', async () => {
    const b = await send('POST', '/v1/baselines', { name: 'web-train', model: modelRef });
    expect(b.statusCode).toBe(201);
    expect(b.json()).toMatchObject({ name: 'web-train', version: 1, sourceKind: 'model', sampleHash: null, columns: ['x', '__prediction__'] });
    expect((await send('GET', '/v1/baselines')).json().baselines).toHaveLength(1);
    expect((await send('GET', '/v1/baselines/web-train?version=1')).json().version).toBe(1);

    const created = await send('POST', '/v1/monitors', { name: 'web-mon', endpoint: 'web', baseline: 'web-train@1', schedule: '*/15 * * * *', window: '2h', checks: ['drift', 'performance', 'operational'], thresholds: { drift_share: 0.3, x: 0.2 } });
    expect(created.statusCode).toBe(201);
    expect(created.json().spec).toMatchObject({ checks: ['drift', 'quality', 'operational'], windowMs: 7_200_000, datasetDriftShare: 0.3, thresholds: { x: 0.2 }, schedule: '*/15 * * * *' });
    expect((await send('GET', '/v1/monitors')).json().monitors.map((m: { name: string }) => m.name)).toEqual(['web-mon']);
    expect((await send('GET', '/v1/monitors/web-mon')).json().endpoint).toBe('web');

    const run = await send('POST', '/v1/monitors/web-mon/run', { at: '2026-01-01T00:00:00Z' });
    expect(run.statusCode).toBe(200);
    expect(run.json()).toMatchObject({ monitor: 'web-mon', status: 'empty', points: [], windowStart: '2025-12-31T22:00:00.000Z', windowEnd: '2026-01-01T00:00:00.000Z' });
    const runs = await send('GET', '/v1/monitors/web-mon/runs?limit=5');
    expect(runs.json().runs.map((r: { runId: string }) => r.runId)).toEqual([run.json().runId]);
    expect((await send('GET', '/v1/monitors/web-mon/results?metric=drift_share&column=-')).json()).toEqual({ points: [] });
    expect((await send('DELETE', '/v1/monitors/web-mon')).json()).toEqual({ deleted: 'web-mon' });
    expect((await send('GET', '/v1/monitors/web-mon')).statusCode).toBe(404);
  });

  it.each([
    ['POST', '/v1/monitors', { name: 'm', endpoint: 'web', schedule: '61 * * * *' }, 400, /field 1 \(minute\)/],
    ['POST', '/v1/monitors', { name: 'm', endpoint: 'web', checks: ['estimate', 'concept'], conceptDetector: 'coin' }, 400, /unknown concept detector "coin"/],
    ['POST', '/v1/monitors', { name: 'm', endpoint: 'web', window: '1 hour' }, 400, /window must be a duration/],
    ['POST', '/v1/monitors', { name: 'm', endpoint: 'ghost' }, 404, /endpoint "ghost" not found/],
    ['POST', '/v1/monitors', { name: 'm', endpoint: 'web', baseline: 'ghost' }, 404, /baseline "ghost" not found/],
    ['POST', '/v1/baselines', { name: 'b', model: '/etc/passwd.json' }, 400, /not a bundle file/],
    ['POST', '/v1/baselines', { name: 'b', dataset: 'nothing@1' }, 404, /not found/],
    ['POST', '/v1/monitors/ghost/run', {}, 404, /monitor "ghost" not found/],
    ['GET', '/v1/monitors/ghost/results?from=yesterday', undefined, 400, /from must be an ISO-8601 time/],
    ['GET', '/v1/monitors/ghost/runs', undefined, 404, /not found/],
  ] as const)('%s %s -> %i', async (method, url, body, status, message) => {
    const res = await send(method, url, body);
    expect(res.statusCode).toBe(status);
    expect(res.json().error.message).toMatch(message);
  });
});
