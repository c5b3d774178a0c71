/**
 * `POST /v1/endpoints/:name/feedback` through the real app with authentication: the pusher role may call
 * it, viewers and predictors get 403 naming the permission, bad bodies and hostile names 400.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kiln } from '../kiln.js';
import { openKiln } from '../kiln.js';
import { localPrincipal } from '../security/security-service.js';
import { createApp } from './create-app.js';
import type { KilnApp } from './kiln-app.js';

let kiln: Kiln;
let home: string;
let app: KilnApp;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'kiln-feedback-http-'));
  kiln = await openKiln({ home, databaseUrl: undefined });
  app = await createApp(kiln, { logger: false });
  const buffer = await kiln.capture.createBuffer({ defaults: { sampleRate: 1 }, flushIntervalMs: 0 });
  const ids = ['p-5', 'p-8'];
  buffer.offer({ project: 'default', endpoint: 'churn', variant: 'main', modelVersion: 'churn@1', predictionIds: ids, inputs: { x: [1, 2] }, predictions: ['yes', 'no'], latencyMs: 1, receivedAt: Date.now() });
  await buffer.close();
});
afterAll(async () => {
  await app?.close();
  await kiln?.close();
  await rm(home, { recursive: true, force: true });
});

describe('POST /v1/endpoints/:name/feedback', () => {
  async function token(role: 'pusher' | 'viewer' | 'predictor'): Promise<string> {
    return (await kiln.security.createToken({ name: `${role}-fb`, grants: [{ project: 'default', role }] }, localPrincipal())).token;
  }
  const post = (tok: string, payload: unknown, name = 'churn') =>
    app.inject({ method: 'POST', url: `/v1/endpoints/${name}/feedback`, headers: { authorization: `Bearer ${tok}`, 'content-type': 'application/json' }, payload: JSON.stringify(payload) });

  it('lets the pusher role record feedback and reports unknown ids; viewers and predictors get 403', async () => {
    const pusher = await token('pusher');
    const res = await post(pusher, { feedback: [{ predictionId: 'p-5', label: 'yes' }, { predictionId: 'ghost', label: 'no' }] });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ endpoint: 'churn', received: 2, unknown: [{ index: 1, predictionId: 'ghost' }] });
    for (const role of ['viewer', 'predictor'] as const) {
      const denied = await post(await token(role), { feedback: [{ predictionId: 'p-5', label: 'yes' }] });
      expect(denied.statusCode).toBe(403);
      expect(denied.json()).toMatchObject({ error: { code: 'forbidden', details: { permission: 'endpoints:feedback' } } });
    }
    expect((await app.inject({ method: 'POST', url: '/v1/endpoints/churn/feedback', payload: { feedback: [] } })).statusCode).toBe(401);
  });

  it('answers 400 for malformed bodies and hostile names, storing nothing', async () => {
    const pusher = await token('pusher');
    for (const body of [{}, { feedback: [] }, { feedback: 'x' }, { feedback: [{ predictionId: 'p-8' }] }, { feedback: [{ predictionId: 'p-8', label: [1] }] }, { feedback: [{ predictionId: 'p-8', label: 1, x: 2 }] }]) {
      const res = await post(pusher, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json<{ error: { code: string } }>().error.code).toMatch(/usage|input/);
    }
    expect((await post(pusher, { feedback: [{ predictionId: 'p-8', label: 1 }] }, '..%2Fetc')).statusCode).toBe(400);
    const notJson = await app.inject({ method: 'POST', url: '/v1/endpoints/churn/feedback', headers: { authorization: `Bearer ${pusher}`, 'content-type': 'application/json' }, payload: '{"feedback": [' });
    expect(notJson.statusCode).toBe(400);
    expect((await kiln.metadata.feedback.labels('churn', ['p-8'])).size).toBe(0);
  });

  it('keeps projects apart: a pusher of project alpha cannot write to default, and default ids are unknown in alpha', async () => {
    await kiln.security.createProject('alpha', null, localPrincipal());
    const alphaPusher = (await kiln.security.createToken({ name: 'alpha-pusher', grants: [{ project: 'alpha', role: 'pusher' }] }, localPrincipal())).token;
    const inDefault = await post(alphaPusher, { feedback: [{ predictionId: 'p-5', label: 'yes' }] });
    expect(inDefault.statusCode).toBe(403);
    const inAlpha = await app.inject({
      method: 'POST',
      url: '/v1/endpoints/churn/feedback',
      headers: { authorization: `Bearer ${alphaPusher}`, 'content-type': 'application/json', 'x-kiln-project': 'alpha' },
      payload: JSON.stringify({ feedback: [{ predictionId: 'p-5', label: 'yes' }] }),
    });
    expect(inAlpha.statusCode, inAlpha.body).toBe(200);
    expect(inAlpha.json()).toMatchObject({ project: 'alpha', inserted: 0, unknown: [{ index: 0, predictionId: 'p-5' }] });
    const nowhere = await app.inject({
      method: 'POST',
      url: '/v1/endpoints/churn/feedback',
      headers: { authorization: `Bearer ${await token('pusher')}`, 'content-type': 'application/json', 'x-kiln-project': 'nope' },
      payload: JSON.stringify({ feedback: [{ predictionId: 'p-5', label: 'yes' }] }),
    });
    expect(nowhere.statusCode).toBe(403);
  });
});
