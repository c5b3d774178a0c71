/**
 * `/v1/batch-jobs`: `kiln batch` as a job over a registered dataset version or a file under the import
 * root; the output is an artifact (downloadable) and optionally a dataset version, with the same
 * predictions as the synchronous endpoint; bad requests are 4xx at submit, never a queued failure.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cellValue } from '../core/frame.js';
import { readFrame } from '../data/io/read-frame.js';
import type { Kiln } from '../kiln.js';
import { openKiln } from '../kiln.js';
import { createApp } from './create-app.js';
import type { KilnApp } from './kiln-app.js';

let kiln: Kiln;
let app: KilnApp;
let home: string;
let trainedId: string;
const ROWS = 300;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'kiln-batch-jobs-'));
  const importRoot = join(home, 'imports');
  await mkdir(importRoot);
  kiln = await openKiln({ home, databaseUrl: undefined, importRoot });
  const lines = ['x,color,label'];
  for (let i = 0; i < ROWS; i++) lines.push(`${(i % 17) / 5 - 1.5},${['red', 'green', 'blue'][i % 3]},${(i % 17) / 5 - 1.5 + (i % 3) / 2 > 0 ? 'pos' : 'neg'}`);
  const csv = join(importRoot, 'score.csv');
  await writeFile(csv, `${lines.join('\n')}\n`);
  trainedId = (await kiln.training.train({ data: { file: csv }, target: 'label', params: { numTrees: 5 } })).model.id;
  await kiln.datasets.register(csv, 'toscore');
  await kiln.endpoints.create({ name: 'churn', model: `trained:${trainedId}` });
  app = await createApp(kiln, { logger: false, auth: { mode: 'off' } });
  await kiln.jobs.start();
});
afterAll(async () => {
  await app?.close();
  await kiln?.close();
});

function post(url: string, body: unknown) {
  return app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) });
}

interface View {
  id: string;
  status: string;
  request: { model: string };
  result: { rows: number; chunks: number; output: string; dataset?: { name: string; version: number }; columns: string[] } | null;
  error: { message: string } | null;
}

async function finished(id: string): Promise<View> {
  await kiln.jobs.wait(id);
  const res = await app.inject({ method: 'GET', url: `/v1/batch-jobs/${id}` });
  expect(res.statusCode).toBe(200);
  return res.json<View>();
}

describe('/v1/batch-jobs', () => {
  it('scores a dataset version in chunks into an artifact and a dataset, as the endpoint scores it', async () => {
    const res = await post('/v1/batch-jobs', { model: `trained:${trainedId}`, dataset: 'toscore@1', chunk: 64, outputDataset: 'scored' });
    expect(res.statusCode).toBe(202);
    const submitted = res.json<View>();
    expect(submitted.request.model).toBe(`trained:${trainedId}`);
    const done = await finished(submitted.id);
    expect(done.error).toBeNull();
    expect(done.status).toBe('succeeded');
    expect(done.result).toMatchObject({ rows: ROWS, chunks: 5, dataset: { name: 'scored', version: 1 } });
    const out = await app.inject({ method: 'GET', url: `/v1/batch-jobs/${submitted.id}/output` });
    expect(out.statusCode).toBe(200);
    expect(out.rawPayload.subarray(0, 4).toString('latin1')).toBe('PAR1');
    const file = join(home, 'out.parquet');
    await writeFile(file, out.rawPayload);
    const frame = await readFrame(file);
    expect(frame.rowCount).toBe(ROWS);
    const sync = (await post('/v1/endpoints/churn/predict', { instances: [0, 1, 2, 299].map((i) => ({ x: (i % 17) / 5 - 1.5, color: ['red', 'green', 'blue'][i % 3] })) })).json<{ predictions: string[] }>();
    expect([0, 1, 2, 299].map((i) => cellValue(frame.column('prediction'), i))).toEqual(sync.predictions);
    const listed = (await app.inject({ method: 'GET', url: '/v1/batch-jobs' })).json<{ batchJobs: View[] }>();
    expect(listed.batchJobs.map((j) => j.id)).toContain(submitted.id);
    expect((await kiln.datasets.show('scored@1')).rows).toBe(ROWS);
  }, 60_000);

  it('scores a file under the import root', async () => {
    const res = await post('/v1/batch-jobs', { model: `trained:${trainedId}`, import: 'score.csv', onlyPredictions: true });
    expect(res.statusCode).toBe(202);
    const done = await finished(res.json<View>().id);
    expect(done.status).toBe('succeeded');
    expect(done.result?.rows).toBe(ROWS);
    expect(done.result?.columns).not.toContain('x');
  }, 60_000);

  it('refuses bad requests at submit with 4xx naming the field', async () => {
    const cases: [unknown, number, string][] = [
      [{ model: `trained:${trainedId}`, dataset: 'nope@1' }, 404, 'dataset'],
      [{ model: 'nomodel@1', dataset: 'toscore@1' }, 404, 'model'],
      [{ model: `trained:${trainedId}` }, 400, 'dataset'],
      [{ model: `trained:${trainedId}`, dataset: 'toscore@1', import: 'score.csv' }, 400, 'dataset'],
      [{ model: `trained:${trainedId}`, import: '../etc/passwd' }, 400, 'import'],
      [{ model: `trained:${trainedId}`, import: '/etc/passwd' }, 400, 'import'],
      [{ model: '/tmp/bundle.json', dataset: 'toscore@1' }, 400, 'model'],
      [{ model: `trained:${trainedId}`, dataset: 'toscore@1', outputDataset: 'Bad Name!' }, 400, 'name'],
    ];
    for (const [body, status, field] of cases) {
      const res = await post('/v1/batch-jobs', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(status);
      expect(JSON.stringify(res.json()), JSON.stringify(body)).toContain(field);
    }
    expect((await post('/v1/batch-jobs', { model: 'x@1', dataset: 'toscore@1', shell: 'rm -rf /' })).statusCode).toBe(400);
    expect((await app.inject({ method: 'GET', url: '/v1/batch-jobs/nope' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/v1/batch-jobs/nope/output' })).statusCode).toBe(404);
  });
});
