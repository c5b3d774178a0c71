/** The native predict API through the inference app: scoring, validation, limits and errors. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScorer } from '../runtime/scorer.js';
import { createInferenceApp } from './inference-app.js';
import type { InferenceServer } from './inference-app.js';
import { MAX_INSTANCES } from './input-plan.js';
import type { PredictionRecord } from './prediction-record.js';
import { MemoryEndpoints, MemoryModelSource, TEST_SETTINGS, testBundles, testEndpoint } from './serving-test-models.js';

let server: InferenceServer;
let bundles: Awaited<ReturnType<typeof testBundles>>;
const records: PredictionRecord[] = [];

const ROWS = [
  { x: 0.5, z: -1, color: 'red', flag: true },
  { x: -2, z: null, color: 'blue', flag: false, extra: 'ignored' },
  { x: 1.25, z: 0.3, color: 'green', flag: true },
];

beforeAll(async () => {
  bundles = await testBundles();
  const models = new MemoryModelSource(new Map([['churn@1', bundles.binary], ['price@1', bundles.regression], ['broken@1', '{"format":"kiln.model","formatVersion":1,"checksum":"00"}']]));
  const endpoints = new MemoryEndpoints([
    testEndpoint('churn', 'churn@1'),
    testEndpoint('strict', 'churn@1', { settings: { ...TEST_SETTINGS, unseenCategories: 'reject' } }),
    testEndpoint('price', 'price@1'),
    testEndpoint('broken', 'broken@1'),
    testEndpoint('ghost', 'nope@1'),
  ]);
  server = await createInferenceApp({ endpoints, models, logger: false, changePollMs: 0, aliasRefreshMs: 0, maxBodyBytes: 1024 * 1024, sink: { offer: (r) => records.push(r) } });
});
afterAll(async () => {
  await server?.close();
});

function post(url: string, payload: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) {
  return server.app.inject({ method: 'POST', url, headers, payload: typeof payload === 'string' ? payload : JSON.stringify(payload) });
}

describe('native predict', () => {
  it('scores instances like the runtime scorer: predictions, probabilities in label order, version, variant, ids; offers a record', async () => {
    const res = await post('/v1/endpoints/churn/predict', { instances: ROWS });
    expect(res.statusCode).toBe(200);
    const body = res.json<{ predictions: string[]; probabilities: number[][]; labels: string[]; modelVersion: string; variant: string; predictionIds: string[] }>();
    const expected = createScorer(bundles.binary).predictRecords(ROWS);
    expect(body.labels).toEqual(['neg', 'pos']);
    expect(body.predictions).toEqual(expected.prediction);
    body.probabilities.forEach((p, i) => {
      expect(p[1]).toBeCloseTo(expected.probability?.[i] ?? NaN, 12);
      expect(p[0] + p[1]).toBeCloseTo(1, 12);
    });
    expect(body.modelVersion).toBe('churn@1');
    expect(body.variant).toBe('main');
    expect(body.predictionIds).toHaveLength(3);
    expect(new Set(body.predictionIds).size).toBe(3);
    expect(res.headers['x-request-id']).toBeTruthy();
    const rec = records.at(-1);
    expect(rec).toMatchObject({ project: 'default', endpoint: 'churn', variant: 'main', modelVersion: 'churn@1', predictionIds: body.predictionIds, predictions: body.predictions, labels: ['neg', 'pos'] });
    expect(rec?.inputs.color).toEqual(['red', 'blue', 'green']);
    expect(rec?.latencyMs).toBeGreaterThan(0);
  });

  it('columns give the same answer as instances; regressors return numbers without probabilities', async () => {
    const columns = { x: ROWS.map((r) => r.x), z: ROWS.map((r) => r.z), color: ROWS.map((r) => r.color), flag: ROWS.map((r) => r.flag) };
    const a = (await post('/v1/endpoints/churn/predict', { columns })).json<{ probabilities: number[][] }>();
    const b = (await post('/v1/endpoints/churn/predict', { instances: ROWS })).json<{ probabilities: number[][] }>();
    expect(a.probabilities).toEqual(b.probabilities);
    const r = await post('/v1/endpoints/price/predict', { columns });
    expect(r.statusCode).toBe(200);
    const body = r.json<{ predictions: number[]; probabilities?: unknown }>();
    const expected = createScorer(bundles.regression).predictRecords(ROWS);
    body.predictions.forEach((p, i) => expect(p).toBeCloseTo(expected.prediction[i] as number, 10));
    expect(body.probabilities).toBeUndefined();
  });

  it('a 400 lists every bad field with instance index and reason; nothing is scored or recorded', async () => {
    const before = records.length;
    const res = await post('/v1/endpoints/churn/predict', {
      instances: [{ x: 'abc', z: 1, color: 'red', flag: true }, { z: 1, color: null, flag: 'maybe' }, 7, { x: 1, z: {}, color: ['red'], flag: true }],
    });
    expect(res.statusCode).toBe(400);
    const err = res.json<{ error: { code: string; details: { errors: { instance: number; field: string; reason: string }[]; errorCount: number } } }>().error;
    expect(err.code).toBe('input');
    const got = err.details.errors.map((e) => `${e.instance}:${e.field}`).sort();
    expect(got).toEqual(['0:x', '1:color', '1:flag', '1:x', '2:*', '3:color', '3:z'].sort());
    expect(err.details.errorCount).toBe(7);
    expect(err.details.errors.find((e) => e.instance === 1 && e.field === 'x')?.reason).toBe('missing');
    expect(err.details.errors.find((e) => e.field === 'color' && e.instance === 1)?.reason).toMatch(/never missing in training/);
    expect(records.length).toBe(before);
  });

  it('unseen categories: scored as missing by default, rejected per endpoint policy', async () => {
    const row = { x: 0.5, z: -1, color: 'purple', flag: true };
    const ok = await post('/v1/endpoints/churn/predict', { instances: [row] });
    expect(ok.statusCode).toBe(200);
    const bad = await post('/v1/endpoints/strict/predict', { instances: [row, ROWS[0]] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ error: { details: { errors: unknown[] } } }>().error.details.errors).toEqual([{ instance: 0, field: 'color', reason: 'category "purple" was never seen in training' }]);
    const metrics = await server.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(/kiln_serving_unseen_categories_total\{endpoint="churn",variant="main"\} [1-9]/);
  });

  it('malformed bodies: wrong shapes, empty lists, both forms, mismatched columns, too many instances', async () => {
    const cases: unknown[] = [[], {}, { instances: 'x' }, { instances: [] }, { instances: [ROWS[0]], columns: {} }, { columns: { x: [1], z: [1, 2], color: ['red'], flag: [true] } }, { columns: [] }, 'null'];
    for (const payload of cases) {
      const res = await post('/v1/endpoints/churn/predict', payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json<{ error: { code: string } }>().error.code).toBe('input');
    }
    const many = await post('/v1/endpoints/churn/predict', `{"columns":{"x":[${new Array(MAX_INSTANCES + 1).fill(0).join(',')}]}}`);
    expect([400, 413]).toContain(many.statusCode);
    const bad = await post('/v1/endpoints/churn/predict', '{"instances": [');
    expect(bad.statusCode).toBe(400);
  });

  it('413 over the body limit, 415 for other content types, deep nesting answered promptly', async () => {
    const big = await post('/v1/endpoints/churn/predict', JSON.stringify({ instances: new Array(60_000).fill(ROWS[0]) }));
    expect(big.statusCode).toBe(413);
    expect(big.json<{ error: { code: string } }>().error.code).toBe('usage');
    const text = await post('/v1/endpoints/churn/predict', 'x=1', { 'content-type': 'text/plain' });
    expect(text.statusCode).toBe(415);
    const form = await post('/v1/endpoints/churn/predict', 'x=1', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(form.statusCode).toBe(415);
    const depth = 200_000;
    const started = Date.now();
    const deep = await post('/v1/endpoints/churn/predict', `{"instances":[{"x":${'['.repeat(depth)}${']'.repeat(depth)},"z":1,"color":"red","flag":true}]}`);
    expect(deep.statusCode).toBe(400);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('unknown endpoint 404; a corrupt model or a missing one: 503 with the reason, other endpoints keep serving', async () => {
    const missing = await post('/v1/endpoints/nope/predict', { instances: ROWS });
    expect(missing.statusCode).toBe(404);
    const broken = await post('/v1/endpoints/broken/predict', { instances: ROWS });
    expect(broken.statusCode).toBe(503);
    expect(broken.headers['retry-after']).toBe('5');
    expect(broken.json<{ error: { message: string } }>().error.message).toMatch(/endpoint "broken" is not ready/);
    const ghost = await post('/v1/endpoints/ghost/predict', { instances: ROWS });
    expect(ghost.statusCode).toBe(503);
    expect(ghost.json<{ error: { message: string } }>().error.message).toMatch(/nope@1/);
    expect((await post('/v1/endpoints/churn/predict', { instances: ROWS })).statusCode).toBe(200);
    const hostile = await post(`/v1/endpoints/${encodeURIComponent('../../etc')}/predict`, { instances: ROWS });
    expect(hostile.statusCode).toBe(404);
  });

  it('/metrics exposes requests, latency, errors, batch sizes, model loads and capture drops', async () => {
    const text = (await server.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(text).toMatch(/kiln_serving_requests_total\{endpoint="churn",variant="main",protocol="native",status="200"\} \d+/);
    expect(text).toMatch(/kiln_serving_requests_total\{endpoint="churn",variant="main",protocol="native",status="400"\} \d+/);
    expect(text).toMatch(/kiln_serving_request_duration_seconds_bucket\{le="0.001",endpoint="churn",variant="main"\}/);
    expect(text).toMatch(/kiln_serving_errors_total\{endpoint="broken",variant="main",code="unavailable"\} 1/);
    expect(text).toMatch(/kiln_serving_batch_size_count\{endpoint="churn",variant="main"\} \d+/);
    expect(text).toMatch(/kiln_serving_model_loads_total\{result="ok"\} 2/);
    expect(text).toMatch(/kiln_serving_model_loads_total\{result="error"\} 1/);
    expect(text).toMatch(/kiln_serving_capture_dropped 0/);
    expect(text).toMatch(/kiln_serving_models_loaded 2/);
  });
});
