/**
 * The training API in process (Fastify inject and a real socket): train by reference, read the record
 * and the bundle back, page the list; hostile bodies are 4xx naming the field, never a server path read;
 * the server answers while a model trains; a client that hangs up aborts its training.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kiln } from '../kiln.js';
import { openKiln } from '../kiln.js';
import { parseBundle } from '../runtime/bundle.js';
import { createApp } from './create-app.js';

let kiln: Kiln;
let app: FastifyInstance;
let home: string;

/** 3,000 rows; y depends on a and the colour; big enough to train for a noticeable time with many trees. */
function csv(): string {
  const lines = ['a,b,colour,y'];
  for (let i = 0; i < 3000; i++) {
    const a = ((i * 7919) % 1000) / 10;
    const colour = ['red', 'green', 'blue'][i % 3];
    lines.push(`${a},${(i * 31) % 17},${colour},${a + (colour === 'red' ? 20 : 0) > 55 ? 'yes' : 'no'}`);
  }
  return `${lines.join('\n')}\n`;
}

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'kiln-train-api-'));
  kiln = await openKiln({ home, databaseUrl: `sqlite:${join(home, 'kiln.db')}`, artifactsUrl: join(home, 'artifacts') });
  const file = join(home, 'toy.csv');
  await writeFile(file, csv());
  await kiln.datasets.register(file, 'toy');
  // Route behaviour is under test; authentication has its own suites (route-permissions, server-auth).
  app = await createApp(kiln, { auth: { mode: 'off' } });
});
afterAll(async () => {
  await app.close();
  await kiln.close();
  await rm(home, { recursive: true, force: true });
});

const post = (body: unknown): Promise<LightMyRequestResponse> => app.inject({ method: 'POST', url: '/v1/train', payload: body as Record<string, unknown> });

describe('POST /v1/train', () => {
  it('trains by reference and records the model; the record and the bundle read back', async () => {
    const res = await post({ dataset: 'toy@1', target: 'y', params: { numTrees: 20 }, seed: 7 });
    expect(res.statusCode, res.body).toBe(201);
    const doc = res.json<{ model: { id: string; artifactHash: string; dataset: unknown; sourceKind: string }; metrics: Record<string, number>; checksum: string; task: string }>();
    expect(doc.task).toBe('binary');
    expect(doc.metrics.roc_auc).toBeGreaterThan(0.9);
    expect(doc.model.sourceKind).toBe('dataset');
    expect(doc.model.dataset).toMatchObject({ name: 'toy', version: 1 });
    const audited = (await kiln.security.listAudit({ resourceType: 'models' })).items;
    expect(audited).toMatchObject([{ action: 'model.train', resourceId: doc.model.id, after: { id: doc.model.id, algorithm: 'gbdt' } }]);
    const one = await app.inject({ method: 'GET', url: `/v1/trained-models/${doc.model.id}` });
    expect(one.json()).toEqual(doc.model);
    const bundle = await app.inject({ method: 'GET', url: `/v1/trained-models/${doc.model.id}/bundle` });
    expect(bundle.headers['content-type']).toMatch(/application\/json/);
    expect(parseBundle(bundle.body).checksum).toBe(doc.checksum);

    await post({ dataset: 'toy@latest', target: 'y', algo: 'logistic' });
    const page1 = (await app.inject({ method: 'GET', url: '/v1/trained-models?limit=1' })).json<{ items: { id: string; algorithm: string }[]; next: string }>();
    expect(page1.items.map((m) => m.algorithm)).toEqual(['logistic']);
    const page2 = (await app.inject({ method: 'GET', url: `/v1/trained-models?limit=1&cursor=${page1.next}` })).json<{ items: { id: string }[]; next: string | null }>();
    expect(page2.items.map((m) => m.id)).toEqual([doc.model.id]);
    expect(page2.next).toBeNull();
    const byDataset = (await app.inject({ method: 'GET', url: '/v1/trained-models?dataset=other' })).json<{ items: unknown[] }>();
    expect(byDataset.items).toEqual([]);
  });

  it('refuses hostile and malformed requests with 4xx naming the field', async () => {
    const cases: [unknown, number, RegExp][] = [
      [{ dataset: '/etc/passwd', target: 'y' }, 400, /dataset/],
      [{ dataset: 'test/fixtures/telco-churn.csv', target: 'y' }, 400, /dataset/],
      [{ dataset: 'toy@1', target: 'y', file: '/etc/passwd' }, 400, /file|additional/],
      [{ dataset: 'toy@1', target: 'y', out: '/tmp/x.json' }, 400, /out|additional/],
      [{ dataset: 'nope@1', target: 'y' }, 404, /nope/],
      [{ dataset: 'toy@1', target: 'nope' }, 400, /target/],
      [{ dataset: 'toy@1', target: 'y', params: { numTree: 3 } }, 400, /params/],
      [{ dataset: 'toy@1', target: 'y', params: { toString: 1 } }, 400, /params/],
      [{ dataset: 'toy@1', target: 'y', task: 'clustering' }, 400, /task/],
      [{ dataset: 'toy@1', target: 'y', testFraction: 1 }, 400, /testFraction/],
      [{ dataset: 'toy@1' }, 400, /target/],
      [{ dataset: 'toy@1', target: 'y', algo: 'svm' }, 400, /algo/],
    ];
    for (const [body, status, pattern] of cases) {
      const res = await post(body);
      expect(res.statusCode, `${JSON.stringify(body)} -> ${res.body}`).toBe(status);
      const err = res.json<{ error: { message: string; details: { field?: string } } }>().error;
      expect(`${err.message} ${err.details.field ?? ''}`, JSON.stringify(body)).toMatch(pattern);
      expect(res.body).not.toMatch(/root:|--[a-z]/);
    }
    for (const url of ['/v1/trained-models?limit=0', '/v1/trained-models?limit=x', '/v1/trained-models?cursor=%25%25', '/v1/trained-models?cursor=abc']) {
      expect((await app.inject({ method: 'GET', url })).statusCode, url).toBe(400);
    }
    expect((await app.inject({ method: 'GET', url: '/v1/trained-models/nope' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/v1/trained-models/nope/bundle' })).statusCode).toBe(404);
  });

  it('answers other requests while training, and a client that hangs up aborts its run', async () => {
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    const signals: AbortSignal[] = [];
    const train = kiln.training.train.bind(kiln.training);
    kiln.training.train = (request, run = {}) => {
      if (run.signal) signals.push(run.signal);
      return train(request, run);
    };
    try {
      const client = new AbortController();
      const pending = fetch(`${url}/v1/train`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ dataset: 'toy@1', target: 'y', params: { numTrees: 100_000, earlyStoppingRounds: 0 } }),
        signal: client.signal,
      }).catch((e: unknown) => e);
      while (signals.length === 0) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 500));
      const started = Date.now();
      const health = await fetch(`${url}/healthz`);
      expect(health.status).toBe(200);
      expect(Date.now() - started).toBeLessThan(1000);
      client.abort();
      await pending;
      const until = Date.now() + 3000;
      while (!signals[0].aborted && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      expect(signals[0].aborted).toBe(true);
    } finally {
      kiln.training.train = train;
    }
  });
});
