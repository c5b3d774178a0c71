/**
 * The Open Inference Protocol v2 REST API, with requests and responses shaped as the specification's
 * examples (kserve/open-inference-protocol, "HTTP/REST"): health, server and model metadata, readiness,
 * inference by named per-column tensors and by one 2-D tensor, output selection, versions, errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScorer } from '../runtime/scorer.js';
import { createInferenceApp } from './inference-app.js';
import type { InferenceServer } from './inference-app.js';
import { MemoryEndpoints, MemoryModelSource, testBundles, testEndpoint } from './serving-test-models.js';

let server: InferenceServer;
let bundles: Awaited<ReturnType<typeof testBundles>>;
const ROWS = [
  { x: 0.5, z: -1, color: 'red', flag: true },
  { x: -2, z: 0.25, color: 'blue', flag: false },
];

beforeAll(async () => {
  bundles = await testBundles();
  const models = new MemoryModelSource(new Map([['churn@3', bundles.binary], ['price@1', bundles.regression], ['broken@1', 'not json'], ['num@1', bundles.numeric]]));
  const endpoints = new MemoryEndpoints([testEndpoint('churn', 'churn@3'), testEndpoint('price', 'price@1'), testEndpoint('broken', 'broken@1'), testEndpoint('num', 'num@1')]);
  server = await createInferenceApp({ endpoints, models, logger: false, changePollMs: 0, aliasRefreshMs: 0 });
});
afterAll(async () => {
  await server?.close();
});

function infer(url: string, payload: unknown) {
  return server.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload: JSON.stringify(payload) });
}

/** The spec's request example, with the model's columns as inputs. */
function columnRequest(rows = ROWS) {
  return {
    id: '42',
    inputs: [
      { name: 'x', shape: [rows.length], datatype: 'FP64', data: rows.map((r) => r.x) },
      { name: 'z', shape: [rows.length, 1], datatype: 'FP64', data: rows.map((r) => [r.z]) },
      { name: 'color', shape: [rows.length], datatype: 'BYTES', data: rows.map((r) => r.color) },
      { name: 'flag', shape: [rows.length], datatype: 'BOOL', data: rows.map((r) => r.flag) },
    ],
    outputs: [{ name: 'predict_proba' }],
  };
}

describe('Open Inference Protocol v2', () => {
  it('health and server metadata', async () => {
    expect((await server.app.inject({ method: 'GET', url: '/v2/health/live' })).json()).toEqual({ live: true });
    const ready = await server.app.inject({ method: 'GET', url: '/v2/health/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ ready: true });
    const meta = (await server.app.inject({ method: 'GET', url: '/v2' })).json<{ name: string; version: string; extensions: string[] }>();
    expect(meta.name).toBe('kiln');
    expect(typeof meta.version).toBe('string');
    expect(meta.extensions).toEqual([]);
  });

  it('model metadata lists one input per column (pandas codec datatypes) and the outputs; versioned path too', async () => {
    const res = await server.app.inject({ method: 'GET', url: '/v2/models/churn' });
    expect(res.statusCode).toBe(200);
    const meta = res.json<Record<string, unknown>>();
    expect(meta).toMatchObject({
      name: 'churn',
      versions: ['churn@3'],
      platform: 'kiln',
      inputs: [
        { name: 'x', datatype: 'FP64', shape: [-1] },
        { name: 'z', datatype: 'FP64', shape: [-1] },
        { name: 'color', datatype: 'BYTES', shape: [-1] },
        { name: 'flag', datatype: 'BOOL', shape: [-1] },
      ],
      outputs: [
        { name: 'predict', datatype: 'BYTES', shape: [-1] },
        { name: 'predict_proba', datatype: 'FP64', shape: [-1, 2] },
      ],
    });
    expect((await server.app.inject({ method: 'GET', url: '/v2/models/churn/versions/3' })).statusCode).toBe(200);
    expect((await server.app.inject({ method: 'GET', url: '/v2/models/churn/versions/9' })).statusCode).toBe(404);
    const ready = await server.app.inject({ method: 'GET', url: '/v2/models/churn/ready' });
    expect(ready.json()).toEqual({ name: 'churn', ready: true });
    expect((await server.app.inject({ method: 'GET', url: '/v2/models/churn/versions/churn@3/ready' })).statusCode).toBe(200);
  });

  it('a broken model is not ready (with the reason); an unknown model is a 404 with {"error": ...}', async () => {
    const ready = await server.app.inject({ method: 'GET', url: '/v2/models/broken/ready' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json<{ ready: boolean; reason: string }>()).toMatchObject({ name: 'broken', ready: false });
    const unknown = await server.app.inject({ method: 'GET', url: '/v2/models/nope' });
    expect(unknown.statusCode).toBe(404);
    expect(typeof unknown.json<{ error: string }>().error).toBe('string');
  });

  it('infers from named per-column tensors (flat and nested data): response as the spec example, id echoed, outputs selected', async () => {
    const res = await infer('/v2/models/churn/infer', columnRequest());
    expect(res.statusCode).toBe(200);
    const body = res.json<{ model_name: string; model_version: string; id: string; outputs: { name: string; shape: number[]; datatype: string; data: number[]; parameters: { labels: string[] } }[]; parameters: { prediction_ids: string[] } }>();
    expect(body.model_name).toBe('churn');
    expect(body.model_version).toBe('churn@3');
    expect(body.id).toBe('42');
    expect(body.outputs.map((o) => o.name)).toEqual(['predict_proba']);
    const proba = body.outputs[0];
    expect(proba.shape).toEqual([2, 2]);
    expect(proba.datatype).toBe('FP64');
    expect(proba.parameters.labels).toEqual(['neg', 'pos']);
    const expected = createScorer(bundles.binary).predictRecords(ROWS);
    expect(proba.data[1]).toBeCloseTo(expected.probability?.[0] ?? NaN, 12);
    expect(proba.data[3]).toBeCloseTo(expected.probability?.[1] ?? NaN, 12);
    expect(body.parameters.prediction_ids).toHaveLength(2);
    const all = (await infer('/v2/models/churn/versions/3/infer', { inputs: columnRequest().inputs })).json<{ outputs: { name: string; data: unknown[] }[]; id?: string }>();
    expect(all.id).toBeUndefined();
    expect(all.outputs.map((o) => o.name)).toEqual(['predict', 'predict_proba']);
    expect(all.outputs[0].data).toEqual(expected.prediction);
  });

  it('infers from one 2-D FP64 tensor in signature order on a numeric model; regressors output FP64 predict', async () => {
    // The regression model's categorical column takes its category as a string in a FP tensor only if numeric: use columns there.
    const res = await infer('/v2/models/price/infer', { inputs: columnRequest().inputs });
    expect(res.statusCode).toBe(200);
    const out = res.json<{ outputs: { name: string; datatype: string; shape: number[]; data: number[] }[] }>().outputs;
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ name: 'predict', datatype: 'FP64', shape: [2] });
    const expected = createScorer(bundles.regression).predictRecords(ROWS);
    out[0].data.forEach((v, i) => expect(v).toBeCloseTo(expected.prediction[i] as number, 10));
    // One 2-D tensor [n, 3] in signature order (x, z, flag) on a numeric model: the same as per-column tensors.
    const matrix = await infer('/v2/models/num/infer', { inputs: [{ name: 'input0', shape: [2, 3], datatype: 'FP32', data: [[0.5, -1, 1], [-2, 0.25, 0]] }] });
    expect(matrix.statusCode).toBe(200);
    const byColumn = await infer('/v2/models/num/infer', { inputs: [columnRequest().inputs[0], columnRequest().inputs[1], columnRequest().inputs[3]] });
    expect(matrix.json<{ outputs: unknown }>().outputs).toEqual(byColumn.json<{ outputs: unknown }>().outputs);
    const wrong = await infer('/v2/models/num/infer', { inputs: [{ name: 'input0', shape: [2, 3], datatype: 'FP64', data: [[0.5, 'a', 1], [-2, 0.25, 7]] }] });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json<{ details: { errors: { instance: number; field: string }[] } }>().details.errors.map((e) => `${e.instance}:${e.field}`)).toEqual(['0:z', '1:flag']);
  });

  it('bad tensors: a 400 {"error": ...} naming each problem', async () => {
    const base = columnRequest().inputs;
    const cases: [unknown, RegExp][] = [
      [{}, /"inputs" must be a non-empty list/],
      [{ inputs: [{ name: 'x', shape: [2], datatype: 'FP99', data: [1, 2] }] }, /datatype must be one of/],
      [{ inputs: [{ name: 'x', shape: [-1], datatype: 'FP64', data: [1] }] }, /shape must be/],
      [{ inputs: [{ ...base[0], data: [1] }, ...base.slice(1)] }, /needs 2/],
      [{ inputs: [{ ...base[0], data: ['a', 1] }, ...base.slice(1)] }, /instance 0 field "x": expected a number \(FP64\)/],
      [{ inputs: base.slice(1) }, /field "x": missing/],
      [{ inputs: [{ name: 'input0', shape: [2, 3], datatype: 'FP64', data: [1, 2, 3, 4, 5, 6] }] }, /single tensor must be FP32\/FP64 with shape \[n, 4\]/],
      [{ ...columnRequest(), outputs: [{ name: 'nope' }] }, /unknown output "nope"/],
    ];
    for (const [payload, message] of cases) {
      const res = await infer('/v2/models/churn/infer', payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json<{ error: string }>().error).toMatch(message);
    }
  });
});
