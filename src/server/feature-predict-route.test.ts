/**
 * Predictions from entity keys alone, through the real app: a model trained on a feature-store training
 * set is served; `POST /v1/endpoints/{name}/predict-from-features` finds the endpoint's feature service
 * (the model's sealed lineage, or the endpoint setting), fetches the online features and scores, giving
 * the same predictions as native predict with the assembled rows; a mismatched service is 409, bad input 4xx.
 */
import { appendFile, cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDefinitions } from '../features/load-definitions.js';
import type { Kiln } from '../kiln.js';
import { openKiln } from '../kiln.js';
import { recordTraining } from '../tracking/record-training.js';
import { createApp } from './create-app.js';
import type { KilnApp } from './kiln-app.js';

let dir = '';
let kiln: Kiln;
let app: KilnApp;
let trainedId = '';
let plainModel: Awaited<ReturnType<Kiln['training']['train']>>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kiln-feature-predict-'));
  kiln = await openKiln({ home: join(dir, 'home'), databaseUrl: undefined, artifactsUrl: undefined });
  await cp(join(import.meta.dirname, '../../test/fixtures/features/pit'), join(dir, 'repo'), { recursive: true });
  await appendFile(join(dir, 'repo', 'features.yaml'), '  - name: stats_only\n    features: [customer_stats:balance, customer_stats:segment]\n');
  await kiln.features.apply((await loadDefinitions(join(dir, 'repo'))).definitions);
  const entities = join(dir, 'entities.csv');
  const rows = Array.from({ length: 80 }, (_, i) => `${1 + (i % 2)},2026-01-${String(10 + (i % 10)).padStart(2, '0')}T00:00:00Z,${i % 3 === 0 ? 1 : 0}`);
  await writeFile(entities, `customer_id,event_timestamp,label\n${rows.join('\n')}\n`);
  const train = join(dir, 'train.csv');
  await kiln.features.trainingSet({ entities, service: 'churn_v1', out: train });
  const trained = await kiln.training.train({ data: { file: train }, target: 'label', algo: 'logistic', exclude: ['customer_id', 'event_timestamp'] });
  trainedId = trained.model.id;
  app = await createApp(kiln, { logger: false, auth: { mode: 'off' } });
  const created = await app.inject({ method: 'POST', url: '/v1/endpoints', payload: { name: 'churn', model: `trained:${trained.model.id}` } });
  expect(created.statusCode, created.body).toBe(201);
  // A model trained on a plain file (no lineage) for the endpoint that must be told its service.
  const plain = join(dir, 'plain.csv');
  await writeFile(plain, `customer_stats__balance,customer_stats__segment,label\n${Array.from({ length: 40 }, (_, i) => `${i},${'df'[i % 2]},${i % 3 === 0 ? 1 : 0}`).join('\n')}\n`);
  const other = await kiln.training.train({ data: { file: plain }, target: 'label', algo: 'logistic' });
  plainModel = other;
  expect(other.featureLineage).toBeUndefined();
  const bare = await app.inject({ method: 'POST', url: '/v1/endpoints', payload: { name: 'bare', model: `trained:${other.model.id}` } });
  expect(bare.statusCode, bare.body).toBe(201);
  await kiln.features.push('customer_stats', [{ customer_id: 1, event_ts: new Date().toISOString(), balance: 30, segment: 'd' }, { customer_id: 2, event_ts: new Date().toISOString(), balance: 40, segment: 'f' }]);
});
afterAll(async () => {
  await app?.close();
  await kiln?.close();
  await rm(dir, { recursive: true, force: true });
});

const post = (url: string, payload: unknown) => app.inject({ method: 'POST', url, payload: payload as Record<string, unknown> });
const patch = (name: string, settings: Record<string, unknown>) => app.inject({ method: 'PATCH', url: `/v1/endpoints/${name}`, payload: { settings } });
/** Retries while the inference router has not seen a new or changed endpoint yet (it polls the store). */
async function settled(url: string, payload: unknown, until: (status: number) => boolean) {
  let res = await post(url, payload);
  for (let i = 0; i < 50 && !until(res.statusCode); i++) {
    await new Promise((r) => setTimeout(r, 100));
    res = await post(url, payload);
  }
  return res;
}

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

  it('answers entity-key-only requests: the endpoint knows the service its model was trained on', async () => {
    const bundle = JSON.parse(await kiln.training.bundle(trainedId)) as { metadata: { featureLineage?: { service: string } } };
    expect(bundle.metadata.featureLineage?.service).toBe('churn_v1');
    const res = await settled('/v1/endpoints/churn/predict-from-features', { entities: [{ customer_id: 1 }, { customer_id: 2 }] }, (s) => s !== 404);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json<{ predictions: unknown[]; features: string[]; featureService: string }>();
    expect(body.featureService).toBe('churn_v1');
    expect(body.features).toEqual(['customer_stats__balance', 'customer_stats__segment', 'activity__clicks']);
    expect(body.predictions).toHaveLength(2);
  });

  it('refuses a request naming another service than the endpoint reads (409, saying what to do)', async () => {
    const res = await post('/v1/endpoints/churn/predict-from-features', { featureService: 'stats_only', entities: [{ customer_id: 1 }] });
    expect(res.statusCode, res.body).toBe(409);
    expect(res.body).toContain("reads feature service 'churn_v1'");
    expect(res.body).toContain('--feature-service stats_only');
  });

  it('an endpoint with no known service: 400 telling what to do; a request service or the setting then works', async () => {
    const url = '/v1/endpoints/bare/predict-from-features';
    const none = await settled(url, { entities: [{ customer_id: 1 }] }, (s) => s !== 404);
    expect(none.statusCode, none.body).toBe(400);
    expect(none.body).toContain('has no feature service');
    expect(none.body).toContain('kiln endpoints update bare --feature-service NAME');
    expect((await post(url, { featureService: 'stats_only', entities: [{ customer_id: 1 }] })).statusCode).toBe(200);
    // The setting: an unknown service is refused when set; a known one is used and then guards requests.
    const unknown = await patch('bare', { featureService: 'nope' });
    expect(unknown.statusCode, unknown.body).toBe(400);
    expect(unknown.body).toContain("no feature service 'nope'");
    expect((await patch('bare', { featureService: 'bad name!' })).statusCode).toBe(400);
    expect((await patch('bare', { featureService: 'stats_only' })).statusCode).toBe(200);
    const set = await settled(url, { entities: [{ customer_id: 1 }] }, (s) => s !== 400);
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json<{ featureService: string }>().featureService).toBe('stats_only');
    expect((await settled(url, { featureService: 'churn_v1', entities: [{ customer_id: 1 }] }, (s) => s !== 200)).statusCode).toBe(409);
    // The setting overrides the model's own service; null clears it.
    expect((await patch('churn', { featureService: 'stats_only' })).statusCode).toBe(200);
    expect((await settled('/v1/endpoints/churn/predict-from-features', { featureService: 'stats_only', entities: [{ customer_id: 1 }] }, (s) => s !== 409)).statusCode).not.toBe(409);
    expect((await patch('churn', { featureService: null })).statusCode).toBe(200);
    const cleared = await settled('/v1/endpoints/churn/predict-from-features', { entities: [{ customer_id: 1 }] }, (s) => s === 200);
    expect(cleared.json<{ featureService: string }>().featureService).toBe('churn_v1');
    expect((await patch('bare', { featureService: null })).statusCode).toBe(200);
    expect((await settled(url, { entities: [{ customer_id: 1 }] }, (s) => s === 400)).statusCode).toBe(400);
    expect((await app.inject({ method: 'POST', url: '/v1/endpoints', payload: { name: 'typo', model: `trained:${trainedId}`, settings: { featureService: 'nope' } } })).statusCode).toBe(400);
  });

  it('falls back to the training run\'s kiln.features tag for a registered version whose bundle has no lineage', async () => {
    const t = plainModel;
    const lineage = { service: 'stats_only', project: 'default', registryVersion: 1, featureViews: [{ name: 'customer_stats', version: 1, features: ['balance', 'segment'] }] };
    const runId = await kiln.tracking.withRun({ experiment: 'legacy' }, async (run) => {
      const stored = await kiln.artifacts.stat(t.model.artifactHash);
      await recordTraining(run, {
        algo: t.algo, task: t.task, target: 'label', seed: 0, params: {}, metrics: t.metrics, rows: t.rows,
        bundle: { path: 'model.kiln.json', hash: t.model.artifactHash, size: stored?.size ?? 0 }, modelId: t.model.id, featureLineage: lineage,
      });
      return run.id;
    });
    await kiln.registry.registerFromRun(runId, { name: 'legacy' });
    expect((await app.inject({ method: 'POST', url: '/v1/endpoints', payload: { name: 'legacy', model: 'legacy@1' } })).statusCode).toBe(201);
    const res = await settled('/v1/endpoints/legacy/predict-from-features', { entities: [{ customer_id: 1 }] }, (s) => s !== 404);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<{ featureService: string; modelVersion: string }>()).toMatchObject({ featureService: 'stats_only', modelVersion: 'legacy@1' });
  });

  it('answers 4xx for bad input', async () => {
    const url = '/v1/endpoints/churn/predict-from-features';
    expect((await post(url, { featureService: 'nope', entities: [{ customer_id: 1 }] })).statusCode).toBe(409);
    expect((await post('/v1/endpoints/bare/predict-from-features', { featureService: 'nope', entities: [{ customer_id: 1 }] })).statusCode).toBe(404);
    expect((await post(url, { featureService: 'churn_v1', entities: [] })).statusCode).toBe(400);
    expect((await post(url, { featureService: 'churn_v1', entities: [{ wrong_key: 1 }] })).statusCode).toBe(400);
    expect((await post(url, { featureService: 'churn_v1', entities: 'x' })).statusCode).toBe(400);
    // An entity with no online features: the model never saw those columns missing, and says so per field.
    const unknown = await post(url, { featureService: 'churn_v1', entities: [{ customer_id: 42 }] });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.body).toContain('customer_stats__balance');
    expect((await post('/v1/endpoints/ghost/predict-from-features', { featureService: 'churn_v1', entities: [{ customer_id: 1 }] })).statusCode).toBe(404);
  });
});
