/**
 * Async inference over HTTP: 202 with an id and a status URL, the job scores through the same path as the
 * synchronous predict (same predictions), the input lives in the artifact store (not the job row), a
 * request the model refuses ends `failed` with every bad field, callbacks are guarded by the outbound-URL
 * policy, delivered, retried a bounded number of times and recorded; unknown endpoints and ids are 404s.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kiln } from '../kiln.js';
import { openKiln } from '../kiln.js';
import { createApp } from './create-app.js';
import type { KilnApp } from './kiln-app.js';

let kiln: Kiln;
let app: KilnApp;
const received: unknown[] = [];
let failing = 0;
const callbackServer = createServer((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString()));
  req.on('end', () => {
    if (req.url === '/fail') {
      failing++;
      res.statusCode = 503;
      return res.end();
    }
    received.push(JSON.parse(body));
    res.end('ok');
  });
});
let callbackBase = '';

beforeAll(async () => {
  const home = await mkdtemp(join(tmpdir(), 'kiln-async-'));
  kiln = await openKiln({ home, databaseUrl: undefined });
  const csv = join(home, 'train.csv');
  const lines = ['x,color,label'];
  for (let i = 0; i < 200; i++) lines.push(`${(i % 17) / 5 - 1.5},${['red', 'green', 'blue'][i % 3]},${(i % 17) / 5 - 1.5 + (i % 3) / 2 > 0 ? 'pos' : 'neg'}`);
  await writeFile(csv, `${lines.join('\n')}\n`);
  const trainedId = (await kiln.training.train({ data: { file: csv }, target: 'label', params: { numTrees: 5 } })).model.id;
  await kiln.endpoints.create({ name: 'churn', model: `trained:${trainedId}` });
  await kiln.endpoints.create({ name: 'other', model: `trained:${trainedId}` });
  app = await createApp(kiln, { logger: false, auth: { mode: 'off' } });
  await kiln.jobs.start();
  await new Promise<void>((r) => callbackServer.listen(0, '127.0.0.1', r));
  callbackBase = `http://127.0.0.1:${(callbackServer.address() as AddressInfo).port}`;
});
afterAll(async () => {
  delete process.env.KILN_OUTBOUND_ALLOW_PRIVATE;
  callbackServer.close();
  await app?.close();
  await kiln?.close();
});

function post(url: string, body: unknown) {
  return app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) });
}

interface Status {
  status: string;
  result?: { predictions: unknown[]; predictionIds: string[]; modelVersion: string };
  error?: { code: string; details: { errors?: { index: number; field: string }[] } };
  callback?: { delivered: boolean; attempts: number; status?: number };
}

async function settle(statusUrl: string): Promise<Status> {
  for (let i = 0; i < 300; i++) {
    const res = await app.inject({ method: 'GET', url: statusUrl });
    expect(res.statusCode).toBe(200);
    const s = res.json<Status>();
    if (s.status !== 'queued' && s.status !== 'running') return s;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('async request did not finish');
}

const instances = [
  { x: 1.2, color: 'red' },
  { x: -1.1, color: 'blue' },
  { x: 0.3, color: 'green' },
];

describe('POST /v1/endpoints/{name}/async', () => {
  it('accepts with 202, scores as a job like predict does, and keeps the input out of the job row', async () => {
    const res = await post('/v1/endpoints/churn/async', { instances });
    expect(res.statusCode).toBe(202);
    const accepted = res.json<{ id: string; statusUrl: string; rows: number; status: string }>();
    expect(accepted).toMatchObject({ rows: 3, status: 'queued', statusUrl: `/v1/endpoints/churn/async/${accepted.id}` });
    expect(res.headers.location).toBe(accepted.statusUrl);
    const job = await kiln.jobs.get(accepted.id);
    expect(job.kind).toBe('async-inference');
    expect(JSON.stringify(job.payload)).not.toContain('instances');
    const done = await settle(accepted.statusUrl);
    expect(done.status).toBe('succeeded');
    const sync = (await post('/v1/endpoints/churn/predict', { instances })).json<{ predictions: unknown[] }>();
    expect(done.result?.predictions).toEqual(sync.predictions);
    expect(done.result?.predictionIds).toHaveLength(3);
    // The status URL is the endpoint's: the same id under another endpoint is unknown.
    expect((await app.inject({ method: 'GET', url: `/v1/endpoints/other/async/${accepted.id}` })).statusCode).toBe(404);
  });

  it('reports a refused request as failed with every bad field', async () => {
    const res = await post('/v1/endpoints/churn/async', { instances: [{ x: 'abc', color: 'red' }, { x: 1 }] });
    expect(res.statusCode).toBe(202);
    const done = await settle(res.json<{ statusUrl: string }>().statusUrl);
    expect(done.status).toBe('failed');
    expect(done.error?.code).toBe('input');
    expect(JSON.stringify(done.error?.details)).toContain('"x"');
  });

  it('refuses bad requests with 4xx before queueing anything', async () => {
    expect((await post('/v1/endpoints/nope/async', { instances })).statusCode).toBe(404);
    expect((await post('/v1/endpoints/churn/async', { instances: [] })).statusCode).toBe(400);
    expect((await post('/v1/endpoints/churn/async', { rows: [1] })).statusCode).toBe(400);
    expect((await post('/v1/endpoints/churn/async', { columns: { x: 5 } })).statusCode).toBe(400);
    expect((await app.inject({ method: 'GET', url: '/v1/endpoints/churn/async/not-a-job' })).statusCode).toBe(404);
    // Loopback callbacks are refused unless the policy allows private addresses.
    const refused = await post('/v1/endpoints/churn/async', { instances, callbackUrl: `${callbackBase}/hook` });
    expect(refused.statusCode).toBe(400);
    expect(refused.json<{ error: { details: { field: string } } }>().error.details.field).toBe('callbackUrl');
    expect((await post('/v1/endpoints/churn/async', { instances, callbackUrl: 'file:///etc/passwd' })).statusCode).toBe(400);
  });

  it('posts the outcome to an allowed callback URL and records bounded failed deliveries', async () => {
    process.env.KILN_OUTBOUND_ALLOW_PRIVATE = '1';
    const ok = await post('/v1/endpoints/churn/async', { instances, callbackUrl: `${callbackBase}/hook` });
    expect(ok.statusCode).toBe(202);
    const done = await settle(ok.json<{ statusUrl: string }>().statusUrl);
    expect(done.callback).toMatchObject({ delivered: true, attempts: 1, status: 200 });
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ id: ok.json<{ id: string }>().id, endpoint: 'churn', status: 'succeeded', result: { predictions: done.result?.predictions } });
    const bad = await post('/v1/endpoints/churn/async', { instances, callbackUrl: `${callbackBase}/fail` });
    const failed = await settle(bad.json<{ statusUrl: string }>().statusUrl);
    expect(failed.status).toBe('succeeded');
    expect(failed.callback).toMatchObject({ delivered: false, attempts: 3, status: 503 });
    expect(failing).toBe(3);
  }, 20_000);
});
