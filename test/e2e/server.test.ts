/**
 * End-to-end: the real `kiln server` process — health, readiness, the dataset API, profile and
 * validate, OpenAPI — hostile requests that must be 4xx, never 500, HTTP-parser errors (431) and
 * router errors (414) in Kiln's error shape, and the pino request log on stdout (without bodies).
 */
import { request as httpRequest } from 'node:http';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, tempDir } from './run-kiln.js';

let server: ChildProcess;
let base = '';
let stdout = '';
let home = '';
let token = '';

/** `fetch` with the first-start admin token. */
function authFetch(url: string, init: RequestInit = {}): Promise<Response> {
  return fetch(url, { ...init, headers: { ...(init.headers as Record<string, string> | undefined), authorization: `Bearer ${token}` } });
}

beforeAll(async () => {
  home = await tempDir();
  server = spawn(process.execPath, [join(REPO, 'bin/kiln.js'), 'server', '--port', '0'], {
    env: { ...process.env, KILN_HOME: home, KILN_DATABASE_URL: '', KILN_LOG_LEVEL: 'info', KILN_IMPORT_ROOT: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.stdout?.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  base = await new Promise<string>((done, fail) => {
    let err = '';
    const timer = setTimeout(() => fail(new Error(`server did not start: ${err}`)), 30_000);
    server.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(err);
      if (m) {
        clearTimeout(timer);
        token = /kiln_[a-z0-9]{12}_[A-Za-z0-9_-]{43}/.exec(stdout)?.[0] ?? '';
        done(m[1]);
      }
    });
    server.on('exit', (code) => fail(new Error(`server exited ${code}: ${err}`)));
  });
});
afterAll(() => {
  server?.kill('SIGTERM');
});

describe('kiln server', () => {
  it('serves health, readiness and OpenAPI', async () => {
    expect(await (await authFetch(`${base}/healthz`)).json()).toMatchObject({ status: 'ok' });
    expect(await (await authFetch(`${base}/readyz`)).json()).toMatchObject({ status: 'ready', metadata: 'sqlite' });
    const doc = (await (await authFetch(`${base}/openapi.json`)).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/datasets', '/v1/profile', '/v1/validate', '/v1/datasets/{name}/versions']));
  });

  it('registers, lists, shows, profiles and validates datasets', async () => {
    const csv = await readFile(join(REPO, 'test/fixtures/telco-churn.csv'));
    const reg = await authFetch(`${base}/v1/datasets/telco/versions`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: csv });
    expect(reg.status).toBe(201);
    expect(await reg.json()).toMatchObject({ name: 'telco', version: 1, rows: 7043 });
    const again = await authFetch(`${base}/v1/datasets/telco/versions`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: csv });
    expect(again.status).toBe(200);
    const list = (await (await authFetch(`${base}/v1/datasets`)).json()) as { datasets: { name: string }[]; next: string | null };
    expect(list.datasets.map((d) => d.name)).toEqual(['telco']);
    expect(list.next).toBeNull();
    // Keyset paging: ?limit= and ?cursor= (the previous page's next); bad ones are 400.
    expect((await authFetch(`${base}/v1/datasets/telco2/versions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ source: 'telco@1' }) })).status).toBe(201);
    const page1 = (await (await authFetch(`${base}/v1/datasets?limit=1`)).json()) as { datasets: { name: string }[]; next: string };
    expect(page1.datasets.map((d) => d.name)).toEqual(['telco']);
    const page2 = (await (await authFetch(`${base}/v1/datasets?limit=1&cursor=${page1.next}`)).json()) as { datasets: { name: string }[]; next: string | null };
    expect(page2).toEqual({ datasets: [expect.objectContaining({ name: 'telco2' })], next: null });
    expect(await (await authFetch(`${base}/v1/datasets/telco?limit=1`)).json()).toMatchObject({ name: 'telco', versions: [{ version: 1 }], next: null });
    for (const query of ['limit=0', 'limit=1001', 'limit=abc', 'cursor=garbage!', `cursor=${page1.next}x`]) {
      const res = await authFetch(`${base}/v1/datasets?${query}`);
      expect(res.status, query).toBe(400);
    }
    expect((await authFetch(`${base}/v1/datasets/telco?cursor=${page1.next}`)).status).toBe(400);
    const show = (await (await authFetch(`${base}/v1/datasets/telco/versions/latest`)).json()) as { version: number; profile: { rows: number } };
    expect(show.version).toBe(1);
    expect(show.profile.rows).toBe(7043);
    const prof = (await (await authFetch(`${base}/v1/profile`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ dataset: 'telco@1' }) })).json()) as { rows: number };
    expect(prof.rows).toBe(7043);
    const rows = (await (await authFetch(`${base}/v1/profile`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ rows: [{ a: 1 }, { a: 3 }] }) })).json()) as { columns: { mean: number }[] };
    expect(rows.columns[0].mean).toBe(2);
    const suite = { suiteVersion: 1, name: 's', expectations: [{ type: 'column_exists', column: 'Churn' }, { type: 'column_exists', column: 'Nope' }] };
    const val = await authFetch(`${base}/v1/validate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ dataset: 'telco@1', suite }) });
    expect(val.status).toBe(200);
    expect(await val.json()).toMatchObject({ success: false });
  });

  it('answers hostile and malformed requests with 4xx and a typed error body', async () => {
    const cases: [string, RequestInit, number][] = [
      ['/v1/datasets/..%2F..%2Fx/versions', { method: 'POST', headers: { 'content-type': 'text/csv' }, body: 'a\n1\n' }, 400],
      ["/v1/datasets/x'%3B%20DROP%20TABLE%20datasets/versions", { method: 'POST', headers: { 'content-type': 'text/csv' }, body: 'a\n1\n' }, 400],
      ['/v1/datasets/empty/versions', { method: 'POST', headers: { 'content-type': 'text/csv' }, body: '' }, 400],
      ['/v1/datasets/garbage/versions', { method: 'POST', headers: { 'content-type': 'application/vnd.apache.parquet' }, body: 'not parquet at all' }, 400],
      ['/v1/datasets/nope', { method: 'GET' }, 404],
      ['/v1/datasets/nope/versions/7', { method: 'GET' }, 404],
      ['/v1/validate', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"suite": {' }, 400],
      ['/v1/validate', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ rows: [{ a: 1 }], suite: { suiteVersion: 1, name: 's', expectations: [{ type: 'column_exists' }] } }) }, 400],
      ['/v1/validate', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ rows: 'x', suite: {} }) }, 400],
      ['/v1/profile', { method: 'POST', headers: { 'content-type': 'application/xml' }, body: '<a/>' }, 415],
      ['/v1/profile', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ dataset: '/etc/passwd' }) }, 400],
      ['/v1/datasets/x/versions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ source: '/etc/passwd' }) }, 400],
      ['/v1/datasets/x/versions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ import: 'etc/passwd' }) }, 400],
      ['/v1/datasets', { method: 'DELETE' }, 405],
    ];
    for (const [path, init, status] of cases) {
      const res = await authFetch(`${base}${path}`, init);
      expect(res.status, `${init.method} ${path}`).toBe(status);
      const body = (await res.json()) as { error?: { code: string; message: string } };
      expect(body.error?.message, path).toBeTruthy();
    }
    const list = (await (await authFetch(`${base}/v1/datasets`)).json()) as { datasets: { name: string }[] };
    expect(list.datasets.map((d) => d.name)).not.toContain('empty');
  });

  it('answers over-long URLs and headers in Kiln\'s error shape (414, 431)', async () => {
    const cases: [string, Record<string, string>, number][] = [
      [`/v1/datasets/${'x'.repeat(600)}`, {}, 414],
      [`/v1/datasets/${'x'.repeat(20_000)}`, {}, 431],
      ['/healthz', { 'x-big': 'y'.repeat(20_000) }, 431],
    ];
    for (const [path, headers, status] of cases) {
      const res = await rawGet(`${base}${path}`, headers);
      expect(res.status, path.slice(0, 40)).toBe(status);
      expect(JSON.parse(res.body), path.slice(0, 40)).toMatchObject({ error: { code: 'usage', message: expect.any(String), details: {} } });
    }
  });

  it('logs each request as JSON with a request id, and never a request body', async () => {
    const marker = 'e2e-body-marker-91c2';
    const res = await authFetch(`${base}/v1/profile`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ rows: [{ a: marker }] }) });
    expect(res.status).toBe(200);
    const id = res.headers.get('x-request-id');
    await new Promise((r) => setTimeout(r, 200));
    const lines = stdout.split('\n').filter((l) => l.includes(`"reqId":"${id}"`)).map((l) => JSON.parse(l) as { msg: string; level: number });
    expect(lines.map((l) => l.msg)).toEqual(expect.arrayContaining(['incoming request', 'request completed']));
    expect(stdout).not.toContain(marker);
  });

  it('removes the temp file of an upload the client abandons midway', async () => {
    let seen: string[] = [];
    await new Promise<void>((done) => {
      const req = httpRequest(`${base}/v1/profile`, { method: 'POST', headers: { 'content-type': 'text/csv', 'content-length': String(1_000_000), authorization: `Bearer ${token}` } });
      req.on('error', () => undefined);
      req.write(`a,b\n${'1,2\n'.repeat(20_000)}`, () => {
        void (async () => {
          for (let i = 0; i < 50 && seen.length === 0; i++) {
            await new Promise((r) => setTimeout(r, 50));
            seen = await readdir(join(home, 'tmp')).catch(() => []);
          }
          req.destroy();
          done();
        })();
      });
    });
    expect(seen).toHaveLength(1); // the upload was on disk while it streamed
    let left: string[] = ['?'];
    for (let i = 0; i < 50 && left.length > 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      left = await readdir(join(home, 'tmp')).catch(() => []);
    }
    expect(left).toEqual([]);
    expect((await authFetch(`${base}/healthz`)).status).toBe(200);
  });
});

/** GET with node:http (fetch refuses some of these requests before sending them). */
function rawGet(url: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((done, fail) => {
    const req = httpRequest(url, { headers }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => done({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', fail);
    req.end();
  });
}
