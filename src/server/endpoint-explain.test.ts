/**
 * `POST /v1/endpoints/{name}/explain` inside `kiln server`: TreeSHAP attributions for the submitted
 * instances with the endpoint's model — base + sum of attributions equals the raw score, whose sigmoid is
 * the probability predict answers — and 4xx for bad input, non-tree models, unknown endpoints, too many rows.
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

beforeAll(async () => {
  const home = await mkdtemp(join(tmpdir(), 'kiln-explain-'));
  kiln = await openKiln({ home, databaseUrl: undefined });
  const csv = join(home, 'train.csv');
  const lines = ['x,color,label'];
  for (let i = 0; i < 200; i++) lines.push(`${(i % 17) / 5 - 1.5},${['red', 'green', 'blue'][i % 3]},${(i % 17) / 5 - 1.5 + (i % 3) / 2 > 0 ? 'pos' : 'neg'}`);
  await writeFile(csv, `${lines.join('\n')}\n`);
  const gbdt = (await kiln.training.train({ data: { file: csv }, target: 'label', params: { numTrees: 10 } })).model.id;
  const logistic = (await kiln.training.train({ data: { file: csv }, target: 'label', algo: 'logistic' })).model.id;
  await kiln.endpoints.create({ name: 'trees', model: `trained:${gbdt}` });
  await kiln.endpoints.create({ name: 'linear', model: `trained:${logistic}` });
  app = await createApp(kiln, { logger: false, auth: { mode: 'off' } });
});
afterAll(async () => {
  await app?.close();
  await kiln?.close();
});

function post(url: string, body: unknown, type = 'application/json') {
  return app.inject({ method: 'POST', url, headers: { 'content-type': type }, payload: typeof body === 'string' ? body : JSON.stringify(body) });
}

interface Explained {
  modelVersion: string;
  variant: string;
  outputs: string[];
  columns: string[];
  base: number[];
  attributions: number[][][];
  raw: number[][];
  predictions: string[];
}

const instances = [
  { x: 1.2, color: 'red' },
  { x: -1.1, color: 'blue' },
  { x: 0.3, color: 'purple' },
  { x: 2.5, color: 'green' },
];

describe('POST /v1/endpoints/{name}/explain', () => {
  it('explains each instance so that base + attributions == raw score, consistent with predict', async () => {
    const res = await post('/v1/endpoints/trees/explain', { instances });
    expect(res.statusCode, res.body).toBe(200);
    const e = res.json<Explained>();
    expect(e.outputs).toEqual(['raw']);
    expect(e.columns.sort()).toEqual(['color', 'x']);
    expect(e.attributions).toHaveLength(4);
    const predicted = (await post('/v1/endpoints/trees/predict', { instances })).json<{ predictions: string[]; probabilities: number[][] }>();
    expect(e.predictions).toEqual(predicted.predictions);
    e.attributions.forEach((row, i) => {
      const sum = e.base[0] + row[0].reduce((s, v) => s + v, 0);
      expect(sum).toBeCloseTo(e.raw[i][0], 9);
      expect(1 / (1 + Math.exp(-e.raw[i][0]))).toBeCloseTo(predicted.probabilities[i][1], 9);
    });
    // The same instance as columns gives the same attributions.
    const cols = (await post('/v1/endpoints/trees/explain', { columns: { x: [1.2], color: ['red'] } })).json<Explained>();
    expect(cols.attributions[0]).toEqual(e.attributions[0]);
  });

  it('answers 4xx for bad input, non-tree models and unknown endpoints', async () => {
    const bad = await post('/v1/endpoints/trees/explain', { instances: [{ x: 'abc', color: 'red' }] });
    expect(bad.statusCode).toBe(400);
    expect(JSON.stringify(bad.json())).toContain('"x"');
    expect((await post('/v1/endpoints/trees/explain', { instances: [] })).statusCode).toBe(400);
    expect((await post('/v1/endpoints/trees/explain', { nothing: 1 })).statusCode).toBe(400);
    const many = await post('/v1/endpoints/trees/explain', { instances: Array.from({ length: 1001 }, () => ({ x: 1, color: 'red' })) });
    expect(many.statusCode).toBe(400);
    expect(many.json<{ error: { message: string } }>().error.message).toContain('at most 1000');
    expect((await post('/v1/endpoints/trees/explain', 'x=1', 'text/plain')).statusCode).toBe(415);
    expect((await post('/v1/endpoints/nope/explain', { instances })).statusCode).toBe(404);
    const linear = await post('/v1/endpoints/linear/explain', { instances });
    expect(linear.statusCode).toBe(400);
    expect(linear.json<{ error: { hint: string } }>().error.hint).toContain('--method kernel');
  });
});
