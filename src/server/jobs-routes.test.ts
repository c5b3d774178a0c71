/**
 * The job API in process: `POST /v1/train {async: true}` answers 202 with a job that the embedded pool
 * trains (tracked run linked, progress, logs), `GET /v1/jobs[/:id[/logs]]`, and `POST /v1/jobs/:id/cancel`
 * stopping a running training within 2 s with its run marked killed. Bad input is 4xx and writes nothing.
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
    lines.push(`${a},${(i * 31) % 17},${colour},${a + (colour === 'red' ? 20 : 0) > 55 ? 'yes' : 'no'}`);
  }
  return `${lines.join('\n')}\n`;
}

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'kiln-jobs-api-'));
  kiln = await openKiln({ home, databaseUrl: `sqlite:${join(home, 'kiln.db')}`, artifactsUrl: join(home, 'artifacts') });
  const file = join(home, 'toy.csv');
  await writeFile(file, csv());
  await kiln.datasets.register(file, 'toy');
  app = await createApp(kiln, { auth: { mode: 'off' } });
  await kiln.jobs.start();
});
afterAll(async () => {
  await app.close();
  await kiln.close();
  await rm(home, { recursive: true, force: true });
});

async function job(id: string): Promise<JobRecord> {
  const res = await app.inject({ method: 'GET', url: `/v1/jobs/${id}` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ job: JobRecord }>().job;
}

async function until(id: string, ok: (j: JobRecord) => boolean, ms = 20_000): Promise<JobRecord> {
  const end = Date.now() + ms;
  for (;;) {
    const j = await job(id);
    if (ok(j)) return j;
    if (Date.now() > end) throw new Error(`job ${id} is still ${j.status}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('/v1/jobs', () => {
  it('trains asynchronously: 202 with the job, then a result, a linked finished run, logs and an audit entry', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/train', payload: { dataset: 'toy@1', target: 'y', params: { numTrees: 20 }, seed: 7, async: true } });
    expect(res.statusCode, res.body).toBe(202);
    const submitted = res.json<{ job: JobRecord }>().job;
    expect(submitted).toMatchObject({ kind: 'train', status: 'queued', project: 'default', payload: { dataset: 'toy@1', target: 'y' } });
    const done = await until(submitted.id, (j) => j.status === 'succeeded' || j.status === 'failed');
    expect(done.status, JSON.stringify(done.error)).toBe('succeeded');
    const result = done.result as { model: { id: string }; metrics: Record<string, number>; runId: string };
    expect(result.metrics.roc_auc).toBeGreaterThan(0.9);
    expect(done.runId).toBe(result.runId);
    expect((await kiln.tracking.getRun(result.runId)).status).toBe('finished');
    expect((await kiln.training.get(result.model.id)).id).toBe(result.model.id);
    const logs = await app.inject({ method: 'GET', url: `/v1/jobs/${submitted.id}/logs?limit=2` });
    expect(logs.statusCode).toBe(200);
    const page = logs.json<{ lines: { seq: number; line: string }[]; next: string | null }>();
    expect(page.lines.map((l) => l.seq)).toEqual([1, 2]);
    expect(page.next).not.toBeNull();
    const rest = await app.inject({ method: 'GET', url: `/v1/jobs/${submitted.id}/logs?after=2` });
    expect(rest.json<{ lines: { line: string }[] }>().lines.map((l) => l.line)).toContainEqual(expect.stringMatching(/^trained gbdt \(binary\): model /));
    const list = await app.inject({ method: 'GET', url: '/v1/jobs?status=succeeded&kind=train' });
    expect(list.json<{ jobs: JobRecord[] }>().jobs.map((j) => j.id)).toContain(submitted.id);
    const audited = (await kiln.security.listAudit({ resourceType: 'jobs' })).items;
    expect(audited.map((a) => a.action)).toContain('job.submit');
  });

  it('cancels a running training within 2 s and marks its run killed', async () => {
    // Many trees without early stopping: it would run for minutes.
    const res = await app.inject({ method: 'POST', url: '/v1/train', payload: { dataset: 'toy@1', target: 'y', params: { numTrees: 100000, learningRate: 0.001 }, validFraction: 0, async: true } });
    expect(res.statusCode, res.body).toBe(202);
    const id = res.json<{ job: JobRecord }>().job.id;
    const running = await until(id, (j) => j.status === 'running' && j.runId !== null && j.progress > 0.1);
    const t0 = Date.now();
    const cancel = await app.inject({ method: 'POST', url: `/v1/jobs/${id}/cancel` });
    expect(cancel.statusCode, cancel.body).toBe(200);
    const ended = await until(id, (j) => j.status !== 'running', 5000);
    expect(ended.status).toBe('cancelled');
    expect(Date.now() - t0).toBeLessThan(2000);
    const runId = running.runId ?? '';
    for (let i = 0; i < 100 && (await kiln.tracking.getRun(runId)).status === 'running'; i++) await new Promise((r) => setTimeout(r, 50));
    expect((await kiln.tracking.getRun(runId)).status).toBe('killed');
    expect((await kiln.security.listAudit({ resourceType: 'jobs' })).items.map((a) => a.action)).toContain('job.cancel');
  });

  it('answers bad input with 4xx and writes nothing', async () => {
    const before = (await kiln.jobs.list()).items.length;
    const cases: [string, string, unknown, number][] = [
      ['GET', '/v1/jobs/no-such-job', undefined, 404],
      ['GET', `/v1/jobs/${'x'.repeat(300)}`, undefined, 400],
      ['GET', '/v1/jobs/no-such-job/logs', undefined, 404],
      ['POST', '/v1/jobs/no-such-job/cancel', undefined, 404],
      ['GET', '/v1/jobs?status=bogus', undefined, 400],
      ['GET', '/v1/jobs?kind=Bad%20Kind', undefined, 400],
      ['GET', '/v1/jobs?cursor=garbage!', undefined, 400],
      ['GET', '/v1/jobs?limit=0', undefined, 400],
      ['GET', '/v1/jobs?limit=abc', undefined, 400],
      ['GET', '/v1/jobs/x/logs?after=-1', undefined, 400],
      ['POST', '/v1/train', { dataset: 'toy@1', target: 'y', testFraction: 2, async: true }, 400],
      ['POST', '/v1/train', { dataset: 'toy@1', target: 'y', async: 'yes' }, 400],
      ['POST', '/v1/train', { dataset: '/etc/passwd', target: 'y', async: true, file: '/etc/passwd' }, 400],
      ['POST', '/v1/train', { dataset: 'toy@1', target: '', async: true }, 400],
    ];
    for (const [method, url, payload, status] of cases) {
      const res = await app.inject({ method: method as 'GET', url, ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}) });
      expect(res.statusCode, `${method} ${url} ${res.body}`).toBe(status);
      expect(res.json<{ error: { code: string } }>().error.code).toBeTypeOf('string');
    }
    expect((await kiln.jobs.list()).items.length).toBe(before);
    // A job of the default project is not visible from another project.
    const some = (await kiln.jobs.list()).items[0];
    await kiln.security.createProject('other', null, (await import('../security/security-service.js')).localPrincipal());
    const other = await app.inject({ method: 'GET', url: `/v1/jobs/${some.id}`, headers: { 'x-kiln-project': 'other' } });
    expect(other.statusCode).toBe(404);
    const none = await app.inject({ method: 'GET', url: '/v1/jobs', headers: { 'x-kiln-project': 'other' } });
    expect(none.json<{ jobs: unknown[] }>().jobs).toEqual([]);
  });
});
