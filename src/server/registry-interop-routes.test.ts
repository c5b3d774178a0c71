/**
 * `POST /v1/models/{name}/import` and `GET /v1/models/{name}/versions/{version}/onnx` in process: raw
 * uploads of XGBoost/LightGBM/ONNX files are registered (viewer: 403), truncated, contradictory, empty or
 * wrongly typed uploads are 4xx with nothing registered, and a Kiln version downloads as ONNX whose
 * scores equal the bundle's (ONNX Runtime vs Kiln); ONNX versions and unknown versions are 4xx.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { frameFromRecords } from '../core/frame-builder.js';
import { Frame } from '../core/frame.js';
import { trainModel } from '../ml/train/train-model.js';
import type { Kiln } from '../kiln.js';
import { openKiln } from '../kiln.js';
import { loadOnnxModel } from '../ml/interop/index.js';
import { createScorer } from '../runtime/scorer.js';
import { localPrincipal } from '../security/local-principal.js';
import { createApp } from './create-app.js';
import type { KilnApp } from './kiln-app.js';

const FIXTURES = join(import.meta.dirname, '../../test/fixtures/interop');
let kiln: Kiln;
let app: KilnApp;
let home: string;
const tokens: Record<'viewer' | 'editor', string> = { viewer: '', editor: '' };

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'kiln-registry-interop-'));
  kiln = await openKiln({ home, databaseUrl: undefined, artifactsUrl: undefined });
  app = await createApp(kiln, { logger: false });
  for (const role of ['viewer', 'editor'] as const) tokens[role] = (await kiln.security.createToken({ name: role, grants: [{ project: 'default', role }] }, localPrincipal())).token;
});
afterAll(async () => {
  await app?.close();
  await kiln?.close();
  await rm(home, { recursive: true, force: true });
});

const upload = async (role: keyof typeof tokens, url: string, payload: Buffer | string, type = 'application/octet-stream') =>
  app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${tokens[role]}`, 'content-type': type }, payload });
const get = (url: string) => app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${tokens.viewer}` } });
const fixture = (name: string): Promise<Buffer> => readFile(join(FIXTURES, name));

describe('/v1/models/{name}/import and .../onnx', () => {
  it('imports XGBoost, LightGBM and ONNX uploads', async () => {
    const x = await upload('editor', '/v1/models/xgb/import?filename=xgb-binary.json&description=xgb', await fixture('xgb-binary.json'));
    expect(x.statusCode, x.body).toBe(201);
    expect(x.json()).toMatchObject({ name: 'xgb', version: 1, format: 'kiln-bundle', importedFrom: 'xgboost', description: 'xgb' });
    const l = await upload('editor', '/v1/models/lgb/import?format=lightgbm', await fixture('lgb-regression.txt'));
    expect(l.statusCode, l.body).toBe(201);
    expect(l.json()).toMatchObject({ name: 'lgb', version: 1, format: 'kiln-bundle', importedFrom: 'lightgbm' });
    const o = await upload('editor', '/v1/models/mlp/import', await fixture('mlp.onnx'));
    expect(o.statusCode, o.body).toBe(201);
    expect(o.json()).toMatchObject({ name: 'mlp', version: 1, format: 'onnx', importedFrom: 'onnx' });
    expect((await upload('viewer', '/v1/models/xgb/import', await fixture('xgb-binary.json'))).statusCode).toBe(403);
  });

  it('refuses bad uploads with 4xx and registers nothing', async () => {
    const xgb = await fixture('xgb-regression.json');
    const cases: [string, Buffer | string, string, number][] = [
      ['/v1/models/bad/import', xgb.subarray(0, 300), 'application/octet-stream', 400],
      ['/v1/models/bad/import?format=onnx', xgb, 'application/octet-stream', 400],
      ['/v1/models/bad/import?format=pickle', xgb, 'application/octet-stream', 400],
      ['/v1/models/bad/import', await fixture('xgb-poisson.json'), 'application/octet-stream', 400],
      ['/v1/models/bad/import', await fixture('unsupported-op.onnx'), 'application/octet-stream', 400],
      ['/v1/models/bad/import', '', 'application/octet-stream', 400],
      ['/v1/models/bad/import', xgb, 'application/json', 415],
      ['/v1/models/..%2Fetc/import', xgb, 'application/octet-stream', 400],
    ];
    for (const [url, body, type, status] of cases) {
      const res = await upload('editor', url, body, type);
      expect(res.statusCode, `${url}: ${res.body}`).toBe(status);
      expect(res.json()).toHaveProperty('error.code');
    }
    expect((await get('/v1/models/bad')).statusCode).toBe(404);
  });

  it('exports a Kiln version as ONNX that scores like the bundle', async () => {
    const res = await get('/v1/models/xgb/versions/latest/onnx');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toMatch(/octet-stream/);
    const rows = JSON.parse(await readFile(join(FIXTURES, 'test-rows.json'), 'utf8')) as Record<string, (number | string | null)[]>;
    const bundle = await kiln.registry.loadBundle('xgb@1');
    const inputs = bundle.signature.inputs.map((i) => i.name);
    const records = rows[inputs[0]].map((_, r) => Object.fromEntries(inputs.map((c) => [c, rows[c][r]])));
    const kilnProb = createScorer(bundle).predict(frameFromRecords(records)).probability as Float64Array;
    const model = await loadOnnxModel(res.rawPayload);
    try {
      const out = await model.predict(Object.fromEntries(inputs.map((c) => [c, rows[c]])));
      const probs = out.outputs.probabilities;
      expect(probs, JSON.stringify(Object.keys(out.outputs))).toBeDefined();
      const p = Array.from(probs.values as Float64Array);
      const width = p.length / kilnProb.length;
      expect(Math.max(...Array.from(kilnProb, (v, i) => Math.abs(v - p[i * width + width - 1])))).toBeLessThan(1e-5);
    } finally {
      await model.close();
    }
    expect((await get('/v1/models/mlp/versions/1/onnx')).statusCode).toBe(400);
    // A date_parts step has no ONNX equivalent: 400 naming it.
    const base = frameFromRecords(Array.from({ length: 120 }, (_, i) => ({ a: (i * 37) % 100, y: (i * 37) % 100 > 50 ? 'yes' : 'no' })));
    const signup = { name: 'signup', type: 'timestamp' as const, values: Float64Array.from({ length: base.rowCount }, (_, i) => Date.UTC(2020, 0, 1) + i * 86_400_000) };
    const dated = (await trainModel(new Frame([...base.columns, signup], base.rowCount), { target: 'y', kilnVersion: 'test', seed: 5, params: { numTrees: 3 }, validFraction: 0 })).bundle;
    expect(dated.preprocessing.some((st) => st.kind === 'date_parts')).toBe(true);
    await kiln.registry.registerVersion({ name: 'dated', bytes: Buffer.from(JSON.stringify(dated)), format: 'kiln-bundle' });
    const refused = await get('/v1/models/dated/versions/1/onnx');
    expect(refused.statusCode, refused.body).toBe(400);
    expect(refused.body).toMatch(/date_parts/);
    expect((await get('/v1/models/xgb/versions/9/onnx')).statusCode).toBe(404);
    expect((await get('/v1/models/nosuch/versions/1/onnx')).statusCode).toBe(404);
  });

  it('documents both routes in OpenAPI', async () => {
    const doc = (await get('/openapi.json')).json<{ paths: Record<string, unknown> }>();
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/models/{name}/import', '/v1/models/{name}/versions/{version}/onnx']));
  });
});
