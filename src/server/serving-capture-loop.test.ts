/**
 * The serving loop inside `kiln server`: an endpoint with capture on answers predictions, the capture
 * buffer the server composes writes them to segments and indexes their ids, feedback on those ids is
 * accepted (unknown ids reported), and the captured rows join with the labels.
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
let app: KilnApp | undefined;
let trainedId: string;

beforeAll(async () => {
  const home = await mkdtemp(join(tmpdir(), 'kiln-capture-loop-'));
  kiln = await openKiln({ home, databaseUrl: undefined });
  const csv = join(home, 'train.csv');
  const lines = ['x,color,label'];
  for (let i = 0; i < 200; i++) lines.push(`${(i % 17) / 5 - 1.5},${['red', 'green', 'blue'][i % 3]},${(i % 17) / 5 - 1.5 + (i % 3) / 2 > 0 ? 'pos' : 'neg'}`);
  await writeFile(csv, `${lines.join('\n')}\n`);
  trainedId = (await kiln.training.train({ data: { file: csv }, target: 'label', params: { numTrees: 5 } })).model.id;
  app = await createApp(kiln, { logger: false, auth: { mode: 'off' } });
});
afterAll(async () => {
  await app?.close();
  await kiln?.close();
});

function post(url: string, body: unknown) {
  if (!app) throw new Error('no app');
  return app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) });
}

describe('capture and feedback in kiln server', () => {
  it('captures every prediction at rate 1, accepts feedback on their ids, and joins labels with captured rows', async () => {
    expect((await post('/v1/endpoints', { name: 'loop', model: `trained:${trainedId}`, settings: { captureSampleRate: 1 } })).statusCode).toBe(201);
    // The capture buffer learns endpoint settings by polling (every 2 s): predictions before that are not sampled.
    await new Promise((r) => setTimeout(r, 2500));
    const instances = [
      { x: 1.2, color: 'red' },
      { x: -1.1, color: 'blue' },
      { x: 0.3, color: 'green' },
    ];
    let res = await post('/v1/endpoints/loop/predict', { instances });
    for (let i = 0; i < 50 && res.statusCode === 404; i++) {
      await new Promise((r) => setTimeout(r, 100));
      res = await post('/v1/endpoints/loop/predict', { instances });
    }
    expect(res.statusCode).toBe(200);
    const ids = res.json<{ predictionIds: string[] }>().predictionIds;
    expect(ids).toHaveLength(3);
    const feedback = { feedback: [...ids.map((id, i) => ({ predictionId: id, label: i === 0 ? 'pos' : 'neg' })), { predictionId: 'never-returned', label: 'pos' }] };
    // Prediction ids are indexed when the buffer flushes (every few seconds): until then they are unknown.
    let body: { inserted: number; unknown: { predictionId: string }[] } = { inserted: 0, unknown: [] };
    for (let i = 0; i < 100; i++) {
      const fb = await post('/v1/endpoints/loop/feedback', feedback);
      expect(fb.statusCode).toBe(200);
      body = fb.json();
      if (body.unknown.length === 1) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(body.unknown.map((u) => u.predictionId)).toEqual(['never-returned']);
    const joined = await kiln.feedback.joinFeedback({ endpoint: 'loop' });
    expect(joined.rowCount).toBe(3);
    const captured = await kiln.capture.readCapture({ endpoint: 'loop' });
    expect(captured.rowCount).toBe(3);
  }, 60_000);
});
