/**
 * Serving inside `kiln server`: endpoints CRUD over HTTP (project-scoped, audited, file references
 * refused), predict and OIP inference on a trained model, and a predictor token narrowed to one endpoint
 * that can call it and nothing else.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kiln } from '../kiln.js';
import { openKiln } from '../kiln.js';
import { localPrincipal } from '../security/security-service.js';
import { testBundles } from '../serving/serving-test-models.js';
import { createApp } from './create-app.js';
import type { KilnApp } from './kiln-app.js';

let kiln: Kiln;
let app: KilnApp;
let admin: string;
let trainedId: string;
let bundleFile: string;
const ROW = { x: 0.5, z: -1, color: 'red', flag: true };

beforeAll(async () => {
  const home = await mkdtemp(join(tmpdir(), 'kiln-serving-'));
  kiln = await openKiln({ home, databaseUrl: undefined });
  const b = await testBundles();
  bundleFile = join(home, 'model.json');
  await writeFile(bundleFile, b.binary);
  const csv = join(home, 'train.csv');
  const lines = ['x,z,color,flag,label'];
  for (let i = 0; i < 200; i++) lines.push(`${(i % 17) / 5 - 1.5},${(i % 7) / 3 - 1},${['red', 'green', 'blue'][i % 3]},${i % 2 === 0},${(i % 17) / 5 - 1.5 + (i % 3) / 2 > 0 ? 'pos' : 'neg'}`);
  await writeFile(csv, `${lines.join('\n')}\n`);
  const trained = await kiln.training.train({ data: { file: csv }, target: 'label', params: { numTrees: 10 } });
  trainedId = trained.model.id;
  app = await createApp(kiln, { logger: false });
  await kiln.security.createProject('other', null, localPrincipal());
  admin = (await kiln.security.createToken({ name: 'admin', grants: [{ project: 'default', role: 'admin' }, { project: 'other', role: 'admin' }] }, localPrincipal())).token;
});
afterAll(async () => {
  await app?.close();
  await kiln?.close();
});

function call(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, token: string | undefined, body?: unknown) {
  return app.inject({ method, url, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(body !== undefined ? { payload: JSON.stringify(body) } : {}) });
}

async function waitForEndpoint(name: string, token: string): Promise<void> {
  for (let i = 0; i < 50; i++) {
    if ((await call('POST', `/v1/endpoints/${name}/predict`, token, { instances: [ROW] })).statusCode !== 404) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('serving in kiln server', () => {
  it('CRUD over /v1/endpoints: create with trained:ID, show, list, update, delete; files and unknown models refused; audited', async () => {
    const created = await call('POST', '/v1/endpoints', admin, { name: 'churn', model: `trained:${trainedId}`, settings: { captureSampleRate: 0.1 } });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ project: 'default', name: 'churn', variants: [{ name: 'main', model: `trained:${trainedId}`, weight: 1 }], settings: { unseenCategories: 'missing', batching: null, captureSampleRate: 0.1 }, revision: 1 });
    expect((await call('POST', '/v1/endpoints', admin, { name: 'churn', model: `trained:${trainedId}` })).statusCode).toBe(409);
    expect((await call('POST', '/v1/endpoints', admin, { name: 'file', model: bundleFile })).statusCode).toBe(400);
    expect((await call('POST', '/v1/endpoints', admin, { name: 'ghost', model: 'trained:nope' })).statusCode).toBe(404);
    expect((await call('POST', '/v1/endpoints', admin, { name: 'Bad Name', model: `trained:${trainedId}` })).statusCode).toBe(400);
    expect((await call('POST', '/v1/endpoints', admin, { name: 'x', model: `trained:${trainedId}`, settings: { captureSampleRate: 3 } })).statusCode).toBe(400);
    expect((await call('GET', '/v1/endpoints/churn', admin)).json<{ name: string }>().name).toBe('churn');
    expect((await call('GET', '/v1/endpoints', admin)).json<{ endpoints: { name: string }[] }>().endpoints.map((e) => e.name)).toEqual(['churn']);
    const other = await app.inject({ method: 'GET', url: '/v1/endpoints', headers: { authorization: `Bearer ${admin}`, 'x-kiln-project': 'other' } });
    expect(other.json<{ endpoints: unknown[] }>().endpoints).toEqual([]);
    const updated = await call('PATCH', '/v1/endpoints/churn', admin, { settings: { unseenCategories: 'reject', batching: { maxBatchSize: 32, maxWaitMs: 2 } } });
    expect(updated.statusCode).toBe(200);
    expect(updated.json()).toMatchObject({ revision: 2, settings: { unseenCategories: 'reject', batching: { maxBatchSize: 32, maxWaitMs: 2 }, captureSampleRate: 0.1 } });
    expect((await call('PATCH', '/v1/endpoints/churn', admin, { expectedRevision: 1, settings: {} })).statusCode).toBe(409);
    expect((await call('PATCH', '/v1/endpoints/nope', admin, { settings: {} })).statusCode).toBe(404);
    await call('POST', '/v1/endpoints', admin, { name: 'tmp', model: `trained:${trainedId}` });
    expect((await call('DELETE', '/v1/endpoints/tmp', admin)).json()).toEqual({ deleted: 'tmp' });
    expect((await call('DELETE', '/v1/endpoints/tmp', admin)).statusCode).toBe(404);
    const audit = await kiln.security.listAudit({}, {});
    expect(audit.items.map((e) => e.action)).toEqual(expect.arrayContaining(['endpoint.create', 'endpoint.update', 'endpoint.delete']));
  });

  it('predicts (native and OIP) on the trained model once the server has seen the endpoint', async () => {
    await waitForEndpoint('churn', admin);
    const res = await call('POST', '/v1/endpoints/churn/predict', admin, { instances: [ROW, { ...ROW, x: -1 }] });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ modelVersion: `trained:${trainedId}`, variant: 'main', labels: ['neg', 'pos'] });
    const oip = await call('POST', '/v2/models/churn/infer', admin, { inputs: [{ name: 'x', shape: [1], datatype: 'FP64', data: [0.5] }, { name: 'z', shape: [1], datatype: 'FP64', data: [-1] }, { name: 'color', shape: [1], datatype: 'BYTES', data: ['red'] }, { name: 'flag', shape: [1], datatype: 'BOOL', data: [true] }] });
    expect(oip.statusCode).toBe(200);
    expect((await call('POST', '/v1/endpoints/churn/predict', undefined, { instances: [ROW] })).statusCode).toBe(401);
  });

  it('a predictor token narrowed to one endpoint can call it and nothing else', async () => {
    await call('POST', '/v1/endpoints', admin, { name: 'other', model: `trained:${trainedId}` });
    await waitForEndpoint('other', admin);
    const narrow = (await kiln.security.createToken({ name: 'p', grants: [{ project: 'default', role: 'predictor', resources: { endpoints: ['churn'] } }] }, localPrincipal())).token;
    expect((await call('POST', '/v1/endpoints/churn/predict', narrow, { instances: [ROW] })).statusCode).toBe(200);
    expect((await call('GET', '/v2/models/churn', narrow)).statusCode).toBe(200);
    const denied = await call('POST', '/v1/endpoints/other/predict', narrow, { instances: [ROW] });
    expect(denied.statusCode).toBe(403);
    expect(denied.json<{ error: { details: { permission: string } } }>().error.details.permission).toBe('endpoints:predict');
    expect((await call('POST', '/v2/models/other/infer', narrow, { inputs: [] })).statusCode).toBe(403);
    expect((await call('GET', '/v1/endpoints', narrow)).statusCode).toBe(403);
    expect((await call('GET', '/v1/endpoints/churn', narrow)).statusCode).toBe(403);
    expect((await call('POST', '/v1/endpoints', narrow, { name: 'x', model: `trained:${trainedId}` })).statusCode).toBe(403);
    expect((await call('DELETE', '/v1/endpoints/churn', narrow)).statusCode).toBe(403);
    expect((await call('GET', '/v1/datasets', narrow)).statusCode).toBe(403);
    const otherProject = await app.inject({ method: 'POST', url: '/v1/endpoints/churn/predict', headers: { authorization: `Bearer ${narrow}`, 'content-type': 'application/json', 'x-kiln-project': 'other' }, payload: JSON.stringify({ instances: [ROW] }) });
    expect(otherProject.statusCode).toBe(403);
  });
});
