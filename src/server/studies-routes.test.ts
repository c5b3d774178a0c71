/**
 * The study API in process (fastify inject, temp SQLite, embedded pool): `POST /v1/studies` submits a study
 * as a tune job (202); `GET /v1/studies/{id}` answers the same document as the job's result (`kiln tune
 * --json`); `GET /v1/studies` lists it with its best trial; `/trials` lists every trial run; `POST .../cancel`
 * cancels the job running it. Bad input (unknown study, a run that is not a study, a malformed space, wrong
 * types, unknown fields, file paths) is a 4xx naming the field and writes no job.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kiln } from '../kiln.js';
import { openKiln } from '../kiln.js';
import type { JobRecord } from '../store/job-repository.js';
import { createApp } from './create-app.js';

let kiln: Kiln;
let app: FastifyInstance;
let home: string;

function csv(): string {
  const lines = ['a,b,colour,y'];
  for (let i = 0; i < 3000; i++) {
    const a = ((i * 7919) % 1000) / 10;
    const colour = ['red', 'green', 'blue'][i % 3];
    lines.push(`${a},${(i * 31) % 17},${colour},${a + (colour === 'red' ? 20 : 0) + ((i * 13) % 29) > 65 ? 'yes' : 'no'}`);
  }
  return `${lines.join('\n')}\n`;
}

const SPACE = { learningRate: { type: 'float', low: 0.05, high: 0.3, log: true }, maxLeaves: { type: 'int', low: 4, high: 16 } };
const BODY = { dataset: 'toy@1', target: 'y', space: SPACE, params: { numTrees: 10 }, pruner: 'none', seed: 4 };

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'kiln-studies-api-'));
  kiln = await openKiln({ home, databaseUrl: `sqlite:${join(home, 'kiln.db')}`, artifactsUrl: join(home, 'artifacts') });
  const file = join(home, 'toy.csv');
  await writeFile(file, csv());
  await kiln.datasets.register(file, 'toy');
  app = await createApp(kiln, { auth: { mode: 'off' }, logger: false });
  await kiln.jobs.start({ concurrency: 2 });
});
afterAll(async () => {
  await app.close();
  await kiln.close();
  await rm(home, { recursive: true, force: true });
});

async function until(id: string, ok: (j: JobRecord) => boolean, ms = 60_000): Promise<JobRecord> {
  const end = Date.now() + ms;
  for (;;) {
    const j = await kiln.jobs.get(id);
    if (ok(j)) return j;
    if (Date.now() > end) throw new Error(`job ${id} is still ${j.status}`);
    await new Promise((r) => setTimeout(r, 30));
  }
}

type Doc = { study: Record<string, unknown>; trials: Record<string, unknown>[]; best: { runId: string; value: number } | null; importance: Record<string, number> };

/** The document without what depends on who measured it (durations). */
function comparable(d: Doc): unknown {
  return { ...d, trials: d.trials.map(({ durationMs: _d, ...t }) => t) };
}

describe('/v1/studies', () => {
  it('submits a study as a job, shows it as kiln tune --json does, lists it and its trials', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/studies', payload: { ...BODY, trials: 4, study: 'http-study', experiment: 'web' } });
    expect(res.statusCode, res.body).toBe(202);
    const submitted = res.json<{ job: JobRecord }>().job;
    expect(submitted).toMatchObject({ kind: 'tune', status: 'queued' });
    const done = await until(submitted.id, (j) => j.status !== 'queued' && j.status !== 'running');
    expect(done.status, JSON.stringify(done.error)).toBe('succeeded');
    const id = done.runId as string;

    const shown = await app.inject({ method: 'GET', url: `/v1/studies/${id}` });
    expect(shown.statusCode, shown.body).toBe(200);
    const doc = shown.json<Doc>();
    expect(doc.study).toMatchObject({ id, name: 'http-study', experiment: 'web', status: 'finished', stopReason: 'budget', budget: 4, distributed: false, task: 'binary' });
    expect(doc.trials).toHaveLength(4);
    expect(Object.keys(doc.importance).sort()).toEqual(['learningRate', 'maxLeaves']);
    // The same JSON the job stored as its result (what `kiln tune --json` prints).
    expect(comparable(doc)).toEqual(comparable(done.result as unknown as Doc));

    const listed = await app.inject({ method: 'GET', url: '/v1/studies?experiment=web' });
    expect(listed.statusCode, listed.body).toBe(200);
    const { studies, next } = listed.json<{ studies: { id: string; name: string; best: { runId: string; value: number } }[]; next: string | null }>();
    expect(studies.map((s) => s.id)).toEqual([id]);
    expect(studies[0]).toMatchObject({ name: 'http-study', best: { runId: doc.best?.runId, value: doc.best?.value } });
    expect(next).toBeNull();

    const trials = await app.inject({ method: 'GET', url: `/v1/studies/${id}/trials` });
    expect(trials.statusCode, trials.body).toBe(200);
    const rows = trials.json<{ trials: { number: number; runId: string; state: string; value: number | null }[] }>().trials;
    expect(rows.map((t) => [t.number, t.state])).toEqual([0, 1, 2, 3].map((n) => [n, 'complete']));
    expect(rows.map((t) => t.value)).toEqual(doc.trials.map((t) => t.value));

    // Nothing runs it any more: cancel is a conflict saying so.
    const again = await app.inject({ method: 'POST', url: `/v1/studies/${id}/cancel` });
    expect(again.statusCode).toBe(409);
    expect(again.json<{ error: { message: string } }>().error.message).toMatch(/is not running \(its run is finished\)/);
  }, 120_000);

  it('runs a distributed study from a registered dataset: every trial run names its tune-trial job', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/studies', payload: { ...BODY, trials: 3, study: 'http-dist', distributed: true } });
    expect(res.statusCode, res.body).toBe(202);
    const done = await until(res.json<{ job: JobRecord }>().job.id, (j) => j.status !== 'queued' && j.status !== 'running');
    expect(done.status, JSON.stringify(done.error)).toBe('succeeded');
    const doc = (await app.inject({ method: 'GET', url: `/v1/studies/${done.runId}` })).json<Doc>();
    expect(doc.study).toMatchObject({ distributed: true, status: 'finished' });
    const rows = (await app.inject({ method: 'GET', url: `/v1/studies/${done.runId}/trials` })).json<{ trials: { number: number; job: string | null }[] }>().trials;
    expect(rows.map((t) => t.number)).toEqual([0, 1, 2]);
    for (const t of rows) expect((await kiln.jobs.get(t.job as string)).kind).toBe('tune-trial');
  }, 120_000);

  it('cancels the job running a study; the study run ends killed', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/studies', payload: { ...BODY, trials: 500, study: 'long', params: { numTrees: 300, earlyStoppingRounds: 0 } } });
    expect(res.statusCode, res.body).toBe(202);
    const running = await until(res.json<{ job: JobRecord }>().job.id, (j) => j.status === 'running' && j.runId !== null);
    const cancelled = await app.inject({ method: 'POST', url: `/v1/studies/${running.runId}/cancel` });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    expect(cancelled.json<{ job: JobRecord }>().job.id).toBe(running.id);
    expect((await until(running.id, (j) => j.status !== 'running', 5000)).status).toBe('cancelled');
    const end = Date.now() + 5000;
    while ((await kiln.tracking.getRun(running.runId as string)).status === 'running' && Date.now() < end) await new Promise((r) => setTimeout(r, 30));
    const doc = (await app.inject({ method: 'GET', url: `/v1/studies/${running.runId}` })).json<Doc>();
    expect(doc.study).toMatchObject({ status: 'killed', stopReason: null });
  }, 60_000);

  it('bad input is a 4xx naming the field, and writes no job', async () => {
    const jobsBefore = (await kiln.jobs.list({ page: { limit: 1000 } })).items.length;
    const plainRun = await kiln.tracking.startRun({ name: 'not-a-study' });
    const gets: [string, number, string][] = [
      ['/v1/studies/no-such-study', 404, 'id'],
      [`/v1/studies/${plainRun.id}`, 404, 'id'],
      [`/v1/studies/${plainRun.id}/trials`, 404, 'id'],
      ['/v1/studies/bad%20id', 400, 'id'],
      [`/v1/studies/${'x'.repeat(65)}`, 400, 'id'],
      ['/v1/studies?limit=0', 400, 'limit'],
      ['/v1/studies?experiment=nope', 404, 'experiment'],
    ];
    for (const [url, status, field] of gets) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, `${url}: ${res.body}`).toBe(status);
      expect(res.json<{ error: { details: { field?: string } } }>().error.details.field, url).toBe(field);
    }
    const cancelUnknown = await app.inject({ method: 'POST', url: '/v1/studies/no-such-study/cancel' });
    expect(cancelUnknown.statusCode).toBe(404);

    const posts: [Record<string, unknown>, number, string, RegExp][] = [
      [{ ...BODY, space: { learningRate: { type: 'float', low: 0.3, high: 0.05 } } }, 400, 'space.learningRate', /learningRate/],
      [{ ...BODY, space: { learningRate: { type: 'float', low: 0, high: 0.3, log: true } } }, 400, 'space.learningRate', /learningRate/],
      [{ ...BODY, space: { noSuchParam: { type: 'int', low: 1, high: 3 } } }, 400, 'space.noSuchParam', /noSuchParam/],
      [{ ...BODY, space: { maxLeaves: { type: 'categorical', choices: [] } } }, 400, 'space.maxLeaves', /maxLeaves/],
      [{ ...BODY, trials: 'many' }, 400, 'trials', /trials/],
      [{ ...BODY, trials: 0 }, 400, 'trials', /trials/],
      [{ ...BODY, parallel: 1.5 }, 400, 'parallel', /parallel/],
      [{ ...BODY, distributed: 'yes' }, 400, 'distributed', /distributed/],
      [{ ...BODY, space: [1, 2] }, 400, 'space', /space/],
      [{ ...BODY, sampler: 'bogus' }, 400, 'sampler', /sampler/],
      [{ ...BODY, pruner: 'bogus' }, 400, 'pruner', /pruner/],
      [{ ...BODY, metric: 'bogus' }, 400, 'metric', /metric/],
      [{ ...BODY, algo: 'bogus' }, 400, 'algo', /algo/],
      [{ ...BODY, params: { numTrees: -1 } }, 400, 'params', /numTrees/],
      [{ ...BODY, study: '../etc' }, 400, 'study', /study/],
      [{ ...BODY, file: '/etc/passwd' }, 400, 'file', /file/],
      [{ ...BODY, out: '/tmp/x.kiln.json' }, 400, 'out', /out/],
      [{ target: 'y' }, 400, 'dataset', /dataset/],
      [{ ...BODY, resume: 'no-such-study' }, 404, 'id', /no-such-study/],
      [{ ...BODY, '<script>': 1 }, 400, '<script>', /script/],
      // Huge: a space of 20,000 parameters, an exclude list over the limit.
      [{ ...BODY, space: Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`p${i}`, { type: 'int', low: 1, high: 2 }])) }, 400, 'space.p0', /p0/],
      [{ ...BODY, exclude: Array.from({ length: 10_001 }, (_, i) => `c${i}`) }, 400, 'exclude', /exclude/],
    ];
    for (const [payload, status, field, message] of posts) {
      const res = await app.inject({ method: 'POST', url: '/v1/studies', payload });
      expect(res.statusCode, `${JSON.stringify(payload)}: ${res.body}`).toBe(status);
      const error = res.json<{ error: { message: string; details: { field?: string } } }>().error;
      expect(error.details.field, JSON.stringify(payload)).toBe(field);
      expect(error.message, JSON.stringify(payload)).toMatch(message);
    }
    const notJson = await app.inject({ method: 'POST', url: '/v1/studies', headers: { 'content-type': 'application/json' }, payload: '{"target": ' });
    expect(notJson.statusCode).toBe(400);
    expect((await kiln.jobs.list({ page: { limit: 1000 } })).items.length).toBe(jobsBefore);
  }, 60_000);
});
