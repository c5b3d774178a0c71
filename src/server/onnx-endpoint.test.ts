/**
 * Imported ONNX models served through endpoints: a Kiln GBDT exported to ONNX and registered as an ONNX
 * version is loaded through ONNX Runtime on first use and answers native predict and OIP infer like the
 * bundle it came from (float32 graph: probabilities within 1e-5); its OIP metadata lists the ONNX inputs;
 * bad fields are the same 400; explain is a clear 400 (no tree structure in an ONNX graph).
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kiln } from '../kiln.js';
import { openKiln } from '../kiln.js';
import { exportBundleOnnx, importModelVersion } from '../registry/model-interop.js';
import { parseBundle } from '../runtime/bundle.js';
import { createApp } from './create-app.js';
import type { KilnApp } from './kiln-app.js';

let kiln: Kiln;
let app: KilnApp;

beforeAll(async () => {
  const home = await mkdtemp(join(tmpdir(), 'kiln-onnx-endpoint-'));
  kiln = await openKiln({ home, databaseUrl: undefined });
  const csv = join(home, 'train.csv');
  const lines = ['x,color,label'];
  for (let i = 0; i < 200; i++) lines.push(`${(i % 17) / 5 - 1.5},${['red', 'green', 'blue'][i % 3]},${(i % 17) / 5 - 1.5 + (i % 3) / 2 > 0 ? 'pos' : 'neg'}`);
  await writeFile(csv, `${lines.join('\n')}\n`);
  const trained = (await kiln.training.train({ data: { file: csv }, target: 'label', params: { numTrees: 10 } })).model;
  const bundle = parseBundle(Buffer.from(await kiln.artifacts.get(trained.artifactHash)).toString('utf8'));
  await importModelVersion(kiln.registry, { bytes: await exportBundleOnnx(bundle), name: 'churn-onnx', format: 'onnx' });
  await kiln.endpoints.create({ name: 'native', model: `trained:${trained.id}` });
  await kiln.endpoints.create({ name: 'onnx', model: 'churn-onnx@1' });
  app = await createApp(kiln, { logger: false, auth: { mode: 'off' } });
});
afterAll(async () => {
  await app?.close();
  await kiln?.close();
});

function post(url: string, body: unknown) {
  return app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) });
}

const instances = [
  { x: 1.2, color: 'red' },
  { x: -1.1, color: 'blue' },
  { x: 0.3, color: 'green' },
];

interface Predicted {
  predictions: string[];
  probabilities: number[][];
  labels: string[];
  modelVersion: string;
}

describe('ONNX versions behind endpoints', () => {
  it('answers native predict like the bundle it was exported from', async () => {
    const res = await post('/v1/endpoints/onnx/predict', { instances });
    expect(res.statusCode, res.body).toBe(200);
    const onnx = res.json<Predicted>();
    const native = (await post('/v1/endpoints/native/predict', { instances })).json<Predicted>();
    expect(onnx.modelVersion).toBe('churn-onnx@1');
    expect(onnx.labels).toEqual(native.labels);
    expect(onnx.predictions).toEqual(native.predictions);
    onnx.probabilities.forEach((row, i) => row.forEach((p, k) => expect(p).toBeCloseTo(native.probabilities[i][k], 5)));
  });

  it('answers the Open Inference Protocol with the ONNX inputs as its signature', async () => {
    const meta = await app.inject({ method: 'GET', url: '/v2/models/onnx' });
    expect(meta.statusCode, meta.body).toBe(200);
    expect(meta.json<{ inputs: { name: string }[] }>().inputs.map((i) => i.name).sort()).toEqual(['color', 'x']);
    const infer = await post('/v2/models/onnx/infer', {
      inputs: [
        { name: 'x', shape: [2], datatype: 'FP64', data: [1.2, -1.1] },
        { name: 'color', shape: [2], datatype: 'BYTES', data: ['red', 'blue'] },
      ],
    });
    expect(infer.statusCode, infer.body).toBe(200);
    const outputs = infer.json<{ outputs: { name: string; data: unknown[] }[] }>().outputs;
    const native = (await post('/v1/endpoints/native/predict', { instances: instances.slice(0, 2) })).json<Predicted>();
    expect(outputs.find((o) => o.name === 'predict')?.data).toEqual(native.predictions);
  });

  it('refuses bad fields with the same 400, and explain with a clear 400', async () => {
    const bad = await post('/v1/endpoints/onnx/predict', { instances: [{ x: 'abc', color: 'red' }] });
    expect(bad.statusCode).toBe(400);
    expect(JSON.stringify(bad.json())).toContain('"x"');
    const explain = await post('/v1/endpoints/onnx/explain', { instances });
    expect(explain.statusCode).toBe(400);
    expect(explain.json<{ error: { message: string } }>().error.message).toContain('"onnx"');
  });
});
