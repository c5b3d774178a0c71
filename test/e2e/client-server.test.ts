/**
 * `kiln/client` against a real in-process server (createApp, authentication required) on a real port: the
 * client is bundled for the browser platform first (esbuild fails on any `node:` import) and that bundle is
 * what talks to the server. Covers health, whoami, datasets (upload, list, show, profile), training, the
 * tracking SDK (batched metrics, NaN, artifacts, withRun ending failed runs), tokens, projects, audit, typed
 * errors (401, 403 naming the permission, 404, 409), the artifact upload route's bad input, and checks every
 * call the client made, and every route in its table, against the server's /openapi.json.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as ClientModule from '../../src/client/index.js';
import type { FetchLike, KilnApiError } from '../../src/client/index.js';
import type { Kiln } from '../../src/kiln.js';
import { openKiln } from '../../src/kiln.js';
import { localPrincipal } from '../../src/security/local-principal.js';
import { createApp } from '../../src/server/create-app.js';
import { runStudy } from '../../src/training/tuning/run-study.js';
import type { KilnApp } from '../../src/server/kiln-app.js';

let home: string;
let kiln: Kiln;
let app: KilnApp;
let baseUrl: string;
let admin: string;
let viewer: string;
let client: typeof ClientModule;
const calls: { method: string; path: string }[] = [];

// The browser bundle's fetch is the global one; recording wraps it.
const recordingFetch: FetchLike = async (input, init) => {
  calls.push({ method: init.method, path: new URL(input).pathname });
  return fetch(input, init as RequestInit);
};

beforeAll(async () => {
  // Anonymous clients below must stay anonymous: the client falls back to KILN_TOKEN.
  delete process.env.KILN_TOKEN;
  const result = await build({ entryPoints: ['src/client/index.ts'], bundle: true, platform: 'browser', format: 'esm', write: false, logLevel: 'silent' });
  const code = result.outputFiles[0].text;
  expect(code).not.toMatch(/from\s*["']node:/);
  client = (await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`)) as typeof ClientModule;

  home = await mkdtemp(join(tmpdir(), 'kiln-client-'));
  kiln = await openKiln({ home, databaseUrl: undefined, maxUploadBytes: 200_000, threads: 1 });
  app = await createApp(kiln, { logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  admin = (await kiln.security.createToken({ name: 'admin', grants: [], superuser: true }, localPrincipal())).token;
  viewer = (await kiln.security.createToken({ name: 'viewer', grants: [{ project: 'default', role: 'viewer' }] }, localPrincipal())).token;
}, 60_000);

afterAll(async () => {
  await app?.close();
  await kiln?.close();
  await rm(home, { recursive: true, force: true });
});

function csv(n: number): string {
  const rows = ['x,color,y'];
  for (let i = 0; i < n; i++) rows.push(`${(i % 17) / 3},${['red', 'green', 'blue'][i % 3]},${(i % 17) / 3 + (i % 3 === 0 ? 1 : 0) > 3 ? 'yes' : 'no'}`);
  return `${rows.join('\n')}\n`;
}

async function failure(p: Promise<unknown>): Promise<KilnApiError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(client.KilnApiError);
  return err as KilnApiError;
}

describe('kiln/client against a server', () => {
  it('health, whoami and typed authentication errors', async () => {
    const c = client.createClient({ baseUrl, token: admin, fetch: recordingFetch });
    expect(await c.health()).toMatchObject({ status: 'ok' });
    expect(await c.whoami()).toMatchObject({ superuser: true, project: 'default' });
    const anonymous = await failure(client.createClient({ baseUrl, fetch: recordingFetch }).whoami());
    expect(anonymous).toMatchObject({ code: 'unauthenticated', status: 401 });
    process.env.KILN_TOKEN = admin;
    try {
      expect((await client.createClient({ baseUrl, fetch: recordingFetch }).whoami()).superuser).toBe(true);
    } finally {
      delete process.env.KILN_TOKEN;
    }
    const forged = await failure(client.createClient({ baseUrl, token: 'kiln_aaaaaaaaaaaa_notasecret', fetch: recordingFetch }).whoami());
    expect(forged.status).toBe(401);
    const down = await failure(client.createClient({ baseUrl: 'http://127.0.0.1:1', token: admin }).health());
    expect(down).toMatchObject({ code: 'usage', status: 0 });
    expect(down.message).toMatch(/cannot reach the Kiln server at http:\/\/127.0.0.1:1/);
    expect(() => client.createClient({ baseUrl: 'ftp://x' })).toThrow(/http:\/\/ or https:\/\//);
  });

  it('datasets and training', async () => {
    const c = client.createClient({ baseUrl, token: admin, fetch: recordingFetch });
    const reg = await c.datasets.register('shapes', { upload: { body: new TextEncoder().encode(csv(300)), format: 'csv', filename: 'shapes.csv' } });
    expect(reg).toMatchObject({ name: 'shapes', version: 1, rows: 300, created: true, source: 'upload:shapes.csv' });
    expect((await c.datasets.list()).items.map((d) => d.name)).toEqual(['shapes']);
    expect((await c.datasets.versions('shapes')).items).toHaveLength(1);
    expect(await c.datasets.show('shapes', 1)).toMatchObject({ rows: 300, columns: 3 });
    expect(await c.datasets.profile({ dataset: 'shapes@1' })).toMatchObject({ rows: 300 });
    const trained = await c.training.train({ dataset: 'shapes@1', target: 'y', params: { numTrees: 5 }, seed: 1 });
    expect(trained.model.dataset).toMatchObject({ name: 'shapes', version: 1 });
    expect((await c.training.list()).items.map((m) => m.id)).toEqual([trained.model.id]);
    expect((await c.training.get(trained.model.id)).artifactHash).toBe(trained.model.artifactHash);
    const bundle = await c.training.bundle(trained.model.id);
    expect(createHash('sha256').update(bundle).digest('hex')).toBe(trained.model.artifactHash);
    const validated = await c.datasets.validate({ dataset: 'shapes@1', suite: { suiteVersion: 1, name: 's', expectations: [{ type: 'column_exists', column: 'color' }] } });
    expect(validated).toMatchObject({ success: true });
    const appended = await c.datasets.appendRows('shapes', { body: csv(10).split('\n').slice(1).join('\n').replace(/^/, 'x,color,y\n'), format: 'csv' });
    expect(appended).toMatchObject({ dataset: 'shapes', version: { version: 2, appendedRows: 10 } });
    expect(await c.ready()).toBeDefined();
    expect(await failure(c.datasets.show('nope', 1))).toMatchObject({ code: 'not_found', status: 404 });
    const tooBig = await failure(c.datasets.register('big', { upload: { body: csv(20_000), format: 'csv' } }));
    expect(tooBig.status).toBe(413);
  }, 60_000);

  it('tracks runs with the embedded SDK method names: batched metrics, NaN, artifacts, tags, withRun', async () => {
    const c = client.createClient({ baseUrl, token: admin, fetch: recordingFetch, metricBatchSize: 100 });
    expect(await c.tracking.createExperiment('client-e2e', 'the client test')).toMatchObject({ name: 'client-e2e', description: 'the client test' });
    expect(await failure(c.tracking.createExperiment('client-e2e'))).toMatchObject({ status: 409 });
    const artifactBytes = new TextEncoder().encode('{"roc":[0,0.5,1]}');
    const before = calls.length;
    const result = await c.tracking.withRun({ experiment: 'client-e2e', name: 'gbdt-1', params: { algo: 'gbdt' }, seed: 7 }, async (run) => {
      await run.logParams({ learningRate: 0.1, depth: 6 });
      for (let step = 0; step < 250; step++) await run.logMetric('train.loss', 1 / (step + 1), step);
      await run.logMetrics([
        { key: 'valid.auc', value: 0.91, step: 249 },
        { key: 'valid.weird', value: Number.NaN, step: 0 },
        { key: 'valid.inf', value: Infinity, step: 0 },
      ]);
      await run.setTags({ team: 'risk' });
      const artifact = await run.logArtifact('plots/roc.json', artifactBytes);
      expect(artifact).toEqual({ path: 'plots/roc.json', hash: createHash('sha256').update(artifactBytes).digest('hex'), size: artifactBytes.length });
      return run.id;
    });
    // 250 buffered points in batches of 100: three metric requests (100, 100, then 50 flushed by logMetrics), plus logMetrics' own.
    expect(calls.slice(before).filter((x) => x.path.endsWith('/metrics'))).toHaveLength(4);
    const run = await c.tracking.getRun(result);
    expect(run).toMatchObject({ status: 'finished', experiment: 'client-e2e', params: { algo: 'gbdt', learningRate: '0.1', depth: '6' }, tags: { team: 'risk' } });
    expect(run.metrics['valid.auc']).toBe(0.91);
    expect(Number.isNaN(run.metrics['valid.weird'])).toBe(true);
    expect(run.metrics['valid.inf']).toBe(Infinity);
    expect(run.series?.['train.loss']).toHaveLength(250);
    expect(run.artifacts).toEqual([{ path: 'plots/roc.json', hash: createHash('sha256').update(artifactBytes).digest('hex'), size: artifactBytes.length }]);
    expect(Buffer.from(await kiln.artifacts.get(run.artifacts![0].hash)).equals(Buffer.from(artifactBytes))).toBe(true);
    expect(Buffer.from(await c.tracking.getArtifact(result, 'plots/roc.json')).equals(Buffer.from(artifactBytes))).toBe(true);
    expect(await failure(c.tracking.getArtifact(result, 'plots/none.json'))).toMatchObject({ status: 404, details: { field: 'path' } });

    let failedId = '';
    const boom = await c.tracking
      .withRun({ experiment: 'client-e2e' }, async (r) => {
        failedId = r.id;
        await r.logMetric('x', 1);
        throw new Error('training diverged');
      })
      .catch((e: unknown) => e);
    expect((boom as Error).message).toBe('training diverged');
    const failed = await c.tracking.getRun(failedId);
    expect(failed.status).toBe('failed');
    expect(failed.metrics.x).toBe(1);

    const found = await c.tracking.searchRuns({ filter: 'metrics.valid.auc > 0.9 and tags.team = "risk"', experiment: 'client-e2e' });
    expect(found.items.map((r) => r.id)).toEqual([result]);
    expect((await c.tracking.listExperiments()).items.map((e) => e.name)).toContain('client-e2e');
    expect(await failure(c.tracking.logParams(result, { x: 1 }))).toMatchObject({ status: 409, code: 'conflict' });
    expect(await failure(c.tracking.getRun('no-such-run'))).toMatchObject({ status: 404, code: 'not_found' });
    const bad = await failure(c.tracking.searchRuns({ filter: 'metrics.auc >>> 1' }));
    expect(bad.status).toBe(400);
    expect(await failure(c.tracking.logArtifact('no-such-run', 'a.bin', new Uint8Array([1])))).toMatchObject({ status: 404 });
    expect(await failure(c.tracking.logArtifact(result, 'late.bin', new Uint8Array([1])))).toMatchObject({ status: 409 });

    const readOnly = client.createClient({ baseUrl, token: viewer, fetch: recordingFetch });
    expect((await readOnly.tracking.getRun(result)).id).toBe(result);
    expect((await readOnly.tracking.getArtifact(result, 'plots/roc.json')).byteLength).toBe(artifactBytes.length);
    const denied = await failure(readOnly.tracking.startRun({ experiment: 'client-e2e' }));
    expect(denied).toMatchObject({ code: 'forbidden', status: 403, details: { permission: 'runs:write' } });
    await c.tracking.deleteRun(failedId);
    expect(await failure(c.tracking.getRun(failedId))).toMatchObject({ status: 404 });
  }, 60_000);

  it('hostile names in path parameters are 4xx, never a 500 or another route', async () => {
    const c = client.createClient({ baseUrl, token: admin, fetch: recordingFetch });
    for (const name of ['../../etc/passwd', '..', '%2e%2e', 'a/b', 'x'.repeat(600), 'nul\u0000byte', '😀']) {
      for (const attempt of [c.datasets.show(name, 1), c.tracking.getRun(name), c.training.get(name), c.tracking.logArtifact(name, 'a', new Uint8Array(1))]) {
        const err = await failure(attempt);
        // "." and ".." are refused by the client itself (status 0): a URL parser would resolve them to another route.
        if (name === '..') {
          expect(err).toMatchObject({ code: 'usage', status: 0 });
          continue;
        }
        expect(err.status, `${name}: ${err.message}`).toBeGreaterThanOrEqual(400);
        expect(err.status, `${name}: ${err.message}`).toBeLessThan(500);
      }
    }
  });

  it('the artifact upload route refuses bad input with 4xx and stores nothing', async () => {
    const c = client.createClient({ baseUrl, token: admin, fetch: recordingFetch });
    const run = await c.tracking.startRun({ experiment: 'uploads' });
    const url = `${baseUrl}/v1/runs/${run.id}/artifacts`;
    const auth = { authorization: `Bearer ${admin}` };
    const asJson = await fetch(`${url}?path=a.json`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{"a":1}' });
    expect(asJson.status).toBe(415);
    expect(((await asJson.json()) as { error: { details: { field: string } } }).error.details.field).toBe('content-type');
    const noPath = await fetch(url, { method: 'POST', headers: { ...auth, 'content-type': 'application/octet-stream' }, body: 'x' });
    expect(noPath.status).toBe(400);
    const control = await fetch(`${url}?path=${encodeURIComponent('a\u0000b')}`, { method: 'POST', headers: { ...auth, 'content-type': 'application/octet-stream' }, body: 'x' });
    expect(control.status).toBe(400);
    const huge = await fetch(`${url}?path=big.bin`, { method: 'POST', headers: { ...auth, 'content-type': 'application/octet-stream' }, body: new Uint8Array(300_000) });
    expect(huge.status).toBe(413);
    const empty = await c.tracking.logArtifact(run.id, 'empty.bin', new Uint8Array(0));
    expect(empty.size).toBe(0);
    expect((await c.tracking.getRun(run.id)).artifacts?.map((a) => a.path)).toEqual(['empty.bin']);
  });

  it('tokens, projects and audit', async () => {
    const c = client.createClient({ baseUrl, token: admin, fetch: recordingFetch });
    const created = await c.tokens.create({ name: 'ci', role: 'editor' });
    expect(created.token).toMatch(/^kiln_/);
    expect((await c.tokens.list()).items.map((t) => t.name)).toContain('ci');
    expect((await c.tokens.revoke(created.record.prefix)).revokedAt).not.toBeNull();
    expect(await failure(client.createClient({ baseUrl, token: created.token }).whoami())).toMatchObject({ status: 401 });
    expect((await c.projects.create('risk', 'credit risk')).name).toBe('risk');
    expect((await c.projects.list()).items.map((p) => p.name)).toEqual(['default', 'risk']);
    const risk = client.createClient({ baseUrl, token: admin, project: 'risk', fetch: recordingFetch });
    expect((await risk.whoami()).project).toBe('risk');
    // A run of project default is invisible from project risk, for artifact uploads too.
    const inDefault = await c.tracking.startRun({ experiment: 'scoped' });
    expect(await failure(risk.tracking.logArtifact(inDefault.id, 'x.bin', new Uint8Array([1])))).toMatchObject({ status: 404 });
    expect((await risk.tracking.withRun({ experiment: 'scoped' }, (run) => run.logArtifact('x.bin', new Uint8Array([2])))).size).toBe(1);
    expect((await c.tracking.getRun(inDefault.id)).artifacts).toEqual([]);
    const audit = await c.audit.list({ resource: 'tokens' });
    expect(audit.items.map((e) => e.action)).toEqual(expect.arrayContaining(['token.create', 'token.revoke']));
    expect(await c.audit.verify()).toMatchObject({ ok: true });
    const viewerDenied = await failure(client.createClient({ baseUrl, token: viewer, fetch: recordingFetch }).tokens.create({ name: 'x', role: 'admin' }));
    expect(viewerDenied).toMatchObject({ status: 403, details: { permission: 'tokens:admin' } });
  });

  it('studies: list, show (the kiln tune --json document), trials, submit as a job, cancel', async () => {
    const c = client.createClient({ baseUrl, token: admin, fetch: recordingFetch });
    const local = await runStudy(kiln, { data: { file: 'test/fixtures/telco-churn.csv' }, target: 'Churn', exclude: ['customerID'], trials: 2, params: { numTrees: 5 }, pruner: 'none', seed: 2, study: 'client-study', experiment: 'tuning' });
    const listed = await c.studies.list({ experiment: 'tuning' });
    expect(listed.items.map((s) => [s.id, s.name, s.status])).toEqual([[local.study.id, 'client-study', 'finished']]);
    const doc = await c.studies.get(local.study.id);
    expect(doc.study).toMatchObject({ id: local.study.id, budget: 2, stopReason: 'budget' });
    expect(doc.best).toEqual(local.best);
    expect(doc.trials.map((t) => [t.number, t.state, t.value])).toEqual(local.trials.map((t) => [t.number, t.state, t.value]));
    expect((await c.studies.trials(local.study.id)).map((t) => t.runId)).toEqual(local.trials.map((t) => t.runId));
    // Nothing runs jobs in this server: the submitted study stays queued; a finished study has nothing to cancel.
    const job = await c.studies.submit({ dataset: 'nothing@1', target: 'y', trials: 3, space: { learningRate: { type: 'float', low: 0.05, high: 0.2 } } });
    expect(job).toMatchObject({ kind: 'tune', status: 'queued' });
    expect(await failure(c.studies.cancel(local.study.id))).toMatchObject({ status: 409, code: 'conflict' });
    expect(await failure(c.studies.get('no-such-study'))).toMatchObject({ status: 404, details: { field: 'id' } });
    expect(await failure(c.studies.submit({ dataset: 'x@1', target: 'y', space: { learningRate: { type: 'float', low: 1, high: 0 } } }))).toMatchObject({ status: 400, details: { field: 'space.learningRate' } });
    expect((await c.jobs.get(job.id)).status).toBe('queued');
    expect((await c.jobs.list({ kind: 'tune', status: 'queued' })).items.map((j) => j.id)).toEqual([job.id]);
    expect((await c.jobs.cancel(job.id)).status).toBe('cancelled');
  }, 60_000);

  it('runs examples/client-tracking.ts against the server', async () => {
    const editor = (await kiln.security.createToken({ name: 'example', grants: [{ project: 'default', role: 'editor' }] }, localPrincipal())).token;
    const out = await new Promise<string>((done, fail) =>
      execFile(process.execPath, ['--import', 'tsx', 'examples/client-tracking.ts'], { env: { ...process.env, KILN_SERVER: baseUrl, KILN_TOKEN: editor } }, (err, stdout, stderr) => (err ? fail(new Error(`${err.message}\n${stderr}`)) : done(stdout))),
    );
    expect(out).toMatch(/tracking on .* as token:/);
    expect(out.match(/^run \S+: learningRate/gm)).toHaveLength(2);
    const runs = await kiln.tracking.searchRuns({ experiments: ['examples'] });
    expect(runs.items).toHaveLength(2);
    for (const r of runs.items) expect(r.status).toBe('finished');
  }, 60_000);

  it('calls only routes of the OpenAPI document, and its route table is in the document', async () => {
    const doc = (await (await fetch(`${baseUrl}/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => ({ method: m.toUpperCase(), path })));
    const has = (method: string, path: string): boolean => documented.some((d) => d.method === method && d.path === path);
    for (const [name, route] of Object.entries(client.CLIENT_ROUTES)) expect(has(route.method, route.path), `${name}: ${route.method} ${route.path}`).toBe(true);
    const patterns = documented.map((d) => ({ method: d.method, re: new RegExp(`^${d.path.replace(/\{\w+\}/g, '[^/]+')}$`) }));
    expect(calls.length).toBeGreaterThan(30);
    for (const call of calls) expect(patterns.some((p) => p.method === call.method && p.re.test(call.path)), `${call.method} ${call.path}`).toBe(true);
    // Every route of the table was exercised by the tests above.
    const used = new Set(Object.entries(client.CLIENT_ROUTES).filter(([, r]) => calls.some((c) => c.method === r.method && new RegExp(`^${r.path.replace(/\{\w+\}/g, '[^/]+')}$`).test(c.path))).map(([n]) => n));
    expect(Object.keys(client.CLIENT_ROUTES).filter((n) => !used.has(n)).sort()).toEqual([]);
  });
});
