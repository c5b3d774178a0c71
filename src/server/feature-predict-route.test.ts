/**
 * Predictions from entity keys alone, through the real app: a model trained on a feature-store training
 * set is served; `POST /v1/endpoints/{name}/predict-from-features` fetches the online features and
 * scores, giving the same predictions as native predict with the assembled rows; bad input is 4xx.
 */
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
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
  dir = await mkdtemp(join(tmpdir(), 'kiln-feature-predict-'));
  kiln = await openKiln({ home: join(dir, 'home'), databaseUrl: undefined, artifactsUrl: undefined });
  await cp(join(import.meta.dirname, '../../test/fixtures/features/pit'), join(dir, 'repo'), { recursive: true });
  await kiln.features.apply((await loadDefinitions(join(dir, 'repo'))).definitions);
  const entities = join(dir, 'entities.csv');
  const rows = Array.from({ length: 80 }, (_, i) => `${1 + (i % 2)},2026-01-${String(10 + (i % 10)).padStart(2, '0')}T00:00:00Z,${i % 3 === 0 ? 1 : 0}`);
  await writeFile(entities, `customer_id,event_timestamp,label\n${rows.join('\n')}\n`);
  const train = join(dir, 'train.csv');
  await kiln.features.trainingSet({ entities, service: 'churn_v1', out: train });
  const trained = await kiln.training.train({ data: { file: train }, target: 'label', algo: 'logistic', exclude: ['customer_id', 'event_timestamp'] });
  app = await createApp(kiln, { logger: false, auth: { mode: 'off' } });
  const created = await app.inject({ method: 'POST', url: '/v1/endpoints', payload: { name: 'churn', model: `trained:${trained.model.id}` } });
  expect(created.statusCode, created.body).toBe(201);
  await kiln.features.push('customer_stats', [{ customer_id: 1, event_ts: new Date().toISOString(), balance: 30, segment: 'd' }, { customer_id: 2, event_ts: new Date().toISOString(), balance: 40, segment: 'f' }]);
});
afterAll(async () => {
  await app?.close();
  await kiln?.close();
  await rm(dir, { recursive: true, force: true });
});

const post = (url: string, payload: unknown) => app.inject({ method: 'POST', url, payload: payload as Record<string, unknown> });

describe('predict from entity keys alone', () => {
  it('fetches the feature service online and scores the assembled rows, like native predict on them', async () => {
    let res = await post('/v1/endpoints/churn/predict-from-features', { featureService: 'churn_v1', entities: [{ customer_id: 1 }, { customer_id: 2 }] });
    for (let i = 0; i < 50 && res.statusCode === 404; i++) {
      await new Promise((r) => setTimeout(r, 100));
      res = await post('/v1/endpoints/churn/predict-from-features', { featureService: 'churn_v1', entities: [{ customer_id: 1 }, { customer_id: 2 }] });
    }
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json<{ predictions: unknown[]; features: string[] }>();
    expect(body.features).toEqual(['customer_stats__balance', 'customer_stats__segment', 'activity__clicks']);
    expect(body.predictions).toHaveLength(2);
    const direct = await post('/v1/endpoints/churn/predict', {
      instances: [
        { customer_id: 1, customer_stats__balance: 30, customer_stats__segment: 'd', activity__clicks: null },
        { customer_id: 2, customer_stats__balance: 40, customer_stats__segment: 'f', activity__clicks: null },
      ],
    });
    expect(direct.statusCode, direct.body).toBe(200);
    expect(body.predictions).toEqual(direct.json<{ predictions: unknown[] }>().predictions);
  });

  it('answers 4xx for bad input', async () => {
    const url = '/v1/endpoints/churn/predict-from-features';
    expect((await post(url, { featureService: 'nope', entities: [{ customer_id: 1 }] })).statusCode).toBe(404);
    expect((await post(url, { featureService: 'churn_v1', entities: [] })).statusCode).toBe(400);
    expect((await post(url, { featureService: 'churn_v1', entities: [{ wrong_key: 1 }] })).statusCode).toBe(400);
    expect((await post(url, { featureService: 'churn_v1', entities: 'x' })).statusCode).toBe(400);
    expect((await post(url, { entities: [{ customer_id: 1 }] })).statusCode).toBe(400);
    // An entity with no online features: the model never saw those columns missing, and says so per field.
    const unknown = await post(url, { featureService: 'churn_v1', entities: [{ customer_id: 42 }] });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.body).toContain('customer_stats__balance');
    expect((await post('/v1/endpoints/ghost/predict-from-features', { featureService: 'churn_v1', entities: [{ customer_id: 1 }] })).statusCode).toBe(404);
  });
});
