/**
 * End-to-end (through `app.inject`, authentication on): datasets, trained models, experiments and runs
 * are project-scoped. The same dataset name in two projects is two independent datasets; a token of
 * project A gets 403 naming the permission on project B; lookups by id never cross projects; an unknown
 * project is a 404 naming it; audit entries record the project.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kiln } from '../../src/kiln.js';
import { openKiln } from '../../src/kiln.js';
import { localPrincipal } from '../../src/security/security-service.js';
import { createApp } from '../../src/server/create-app.js';
import type { KilnApp } from '../../src/server/kiln-app.js';

let kiln: Kiln;
let app: KilnApp;
let admin: string;
let editorOfA: string;
let viewerOfB: string;

interface ErrorBody {
  error: { code: string; message: string; details: Record<string, unknown> };
}

type Method = 'GET' | 'POST' | 'DELETE';

function call(method: Method, url: string, token: string, project?: string, body?: unknown, contentType = 'application/json') {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (project !== undefined) headers['x-kiln-project'] = project;
  if (body !== undefined) headers['content-type'] = contentType;
  return app.inject({ method, url, headers, ...(body !== undefined ? { payload: typeof body === 'string' ? body : JSON.stringify(body) } : {}) });
}

const CSV_A = 'x,y\n1,0\n2,1\n3,0\n4,1\n5,0\n6,1\n7,0\n8,1\n9,0\n10,1\n11,0\n12,1\n';
const CSV_B = 'x,y,z\n1,a,2\n2,b,3\n';

beforeAll(async () => {
  kiln = await openKiln({ home: await mkdtemp(join(tmpdir(), 'kiln-projects-')), databaseUrl: undefined });
  app = await createApp(kiln, { logger: false, auth: { mode: 'required' } });
  const me = localPrincipal();
  admin = (await kiln.security.ensureAdminToken(me))?.token ?? '';
  await kiln.security.createProject('team-a', null, me);
  await kiln.security.createProject('team-b', null, me);
  editorOfA = (await kiln.security.createToken({ name: 'ed-a', grants: [{ project: 'team-a', role: 'editor' }] }, me)).token;
  viewerOfB = (await kiln.security.createToken({ name: 'view-b', grants: [{ project: 'team-b', role: 'viewer' }] }, me)).token;
});
afterAll(async () => {
  await app?.close();
  await kiln?.close();
});

describe('project-scoped datasets', () => {
  it('keeps same-named datasets in two projects independent', async () => {
    const a = await call('POST', '/v1/datasets/churn/versions', editorOfA, 'team-a', CSV_A, 'text/csv');
    expect(a.statusCode, a.body).toBe(201);
    const b = await call('POST', '/v1/datasets/churn/versions?project=team-b', admin, undefined, CSV_B, 'text/csv');
    expect(b.statusCode, b.body).toBe(201);
    // Both are version 1 of their own `churn`, with their own content.
    expect(a.json<{ version: number }>().version).toBe(1);
    expect(b.json<{ version: number }>().version).toBe(1);
    const showA = (await call('GET', '/v1/datasets/churn/versions/1', editorOfA, 'team-a')).json<{ columns: number; rows: number }>();
    const showB = (await call('GET', '/v1/datasets/churn/versions/1', viewerOfB, 'team-b')).json<{ columns: number; rows: number }>();
    expect([showA.columns, showA.rows]).toEqual([2, 12]);
    expect([showB.columns, showB.rows]).toEqual([3, 2]);
    // A second registration in A does not move B's numbering.
    expect((await call('POST', '/v1/datasets/churn/versions', editorOfA, 'team-a', `${CSV_A}13,1\n`, 'text/csv')).json<{ version: number }>().version).toBe(2);
    const listB = (await call('GET', '/v1/datasets', viewerOfB, 'team-b')).json<{ datasets: { name: string; latestVersion: number }[] }>();
    expect(listB.datasets).toEqual([expect.objectContaining({ name: 'churn', latestVersion: 1 })]);
    // Nothing leaked into `default`.
    expect((await call('GET', '/v1/datasets', admin)).json<{ datasets: unknown[] }>().datasets).toEqual([]);
    const missing = await call('GET', '/v1/datasets/churn/versions/2', admin, 'team-b');
    expect(missing.statusCode).toBe(404);
    expect(missing.json<ErrorBody>().error.message).toBe('dataset churn@2 not found in project team-b');
  });

  it('answers 403 naming the permission to a token of A on B, and the other way round', async () => {
    for (const [method, url, permission] of [
      ['GET', '/v1/datasets', 'datasets:read'],
      ['GET', '/v1/datasets/churn', 'datasets:read'],
      ['GET', '/v1/datasets/churn/versions/1', 'datasets:read'],
      ['GET', '/v1/trained-models', 'models:read'],
      ['GET', '/v1/runs', 'runs:read'],
      ['GET', '/v1/experiments', 'experiments:read'],
    ] as const) {
      for (const [token, project] of [
        [editorOfA, 'team-b'],
        [viewerOfB, 'team-a'],
      ] as const) {
        const res = await call(method, url, token, project);
        expect(res.statusCode, `${url} in ${project}`).toBe(403);
        expect(res.json<ErrorBody>().error).toMatchObject({ code: 'forbidden', details: { permission, project } });
      }
    }
    // A viewer of B reads B but cannot write it.
    const write = await call('POST', '/v1/datasets/other/versions', viewerOfB, 'team-b', CSV_B, 'text/csv');
    expect(write.statusCode).toBe(403);
    expect(write.json<ErrorBody>().error.details.permission).toBe('datasets:write');
    expect((await call('GET', '/v1/datasets/other', admin, 'team-b')).statusCode).toBe(404);
  });

  it('refuses an unknown project with a 404 naming it, after authorization', async () => {
    const res = await call('GET', '/v1/datasets', admin, 'nope');
    expect(res.statusCode).toBe(404);
    expect(res.json<ErrorBody>().error).toMatchObject({ details: { project: 'nope' } });
    expect(res.json<ErrorBody>().error.message).toMatch(/project nope does not exist/);
    // Someone without a grant there learns nothing about whether it exists.
    expect((await call('GET', '/v1/datasets', editorOfA, 'nope')).statusCode).toBe(403);
  });

  it('resolves references, trains and lists models within the project only', async () => {
    // team-b's churn has no column x/y target of that shape: training from team-a resolves team-a's churn.
    const trained = await call('POST', '/v1/train', editorOfA, 'team-a', { dataset: 'churn@1', target: 'y', algo: 'logistic' });
    expect(trained.statusCode, trained.body).toBe(201);
    const id = trained.json<{ model: { id: string } }>().model.id;
    expect((await call('GET', `/v1/trained-models/${id}`, editorOfA, 'team-a')).statusCode).toBe(200);
    expect((await call('GET', `/v1/trained-models/${id}`, admin, 'team-b')).statusCode).toBe(404);
    expect((await call('GET', `/v1/trained-models/${id}/bundle`, admin)).statusCode).toBe(404);
    expect((await call('GET', '/v1/trained-models', viewerOfB, 'team-b')).json<{ items: unknown[] }>().items).toEqual([]);
    // A reference to a dataset that exists only in another project is not found here.
    const onlyA = await call('POST', '/v1/train', admin, undefined, { dataset: 'churn@1', target: 'y', algo: 'logistic' });
    expect(onlyA.statusCode).toBe(404);
  });

  it('keeps experiments and runs in their project, search included', async () => {
    const run = await call('POST', '/v1/runs', editorOfA, 'team-a', { experiment: 'churn', params: { algo: 'gbdt' } });
    expect(run.statusCode, run.body).toBe(201);
    const id = run.json<{ id: string }>().id;
    expect((await call('POST', '/v1/runs', admin, 'team-b', { experiment: 'churn' })).statusCode).toBe(201);
    expect((await call('GET', `/v1/runs/${id}`, admin, 'team-b')).statusCode).toBe(404);
    expect((await call('POST', `/v1/runs/${id}/params`, admin, 'team-b', { params: { x: '1' } })).statusCode).toBe(404);
    expect((await call('DELETE', `/v1/runs/${id}`, admin, 'team-b')).statusCode).toBe(404);
    const searchB = (await call('GET', `/v1/runs?filter=${encodeURIComponent('params.algo = "gbdt"')}`, viewerOfB, 'team-b')).json<{ runs: unknown[] }>();
    expect(searchB.runs).toEqual([]);
    const searchA = (await call('GET', '/v1/runs?experiment=churn', editorOfA, 'team-a')).json<{ runs: { id: string }[] }>();
    expect(searchA.runs.map((r) => r.id)).toEqual([id]);
    const expsB = (await call('GET', '/v1/experiments', viewerOfB, 'team-b')).json<{ experiments: { name: string; project: string }[] }>();
    expect(expsB.experiments.map((e) => [e.name, e.project])).toEqual([['churn', 'team-b']]);
    expect((await call('GET', `/v1/runs/${id}`, editorOfA, 'team-a')).statusCode).toBe(200);
  });

  it('records the project in audit entries', async () => {
    const entries: { action: string; resourceId: string; project: string }[] = [];
    let cursor: string | null = null;
    do {
      const page = await kiln.security.listAudit({}, { limit: 1000, cursor });
      entries.push(...page.items);
      cursor = page.next;
    } while (cursor !== null);
    const registered = entries.filter((e) => e.action === 'dataset.register').map((e) => `${e.project}/${e.resourceId}`);
    expect(registered.sort()).toEqual(['team-a/churn@1', 'team-a/churn@2', 'team-b/churn@1']);
    expect(entries.filter((e) => e.action === 'model.train').map((e) => e.project)).toEqual(['team-a']);
  });
});
