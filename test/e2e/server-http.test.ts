/**
 * End-to-end (through `app.inject`): HTTP consistency. Framework errors carry Kiln's error shape, wrong
 * methods get 405 with Allow, media types are case-insensitive, CLI-valid names are reachable, bad
 * version references blame the version, 5xx bodies are generic with an error id whose details are in
 * the log, the log never holds request bodies, and OpenAPI documents requests and responses.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kiln } from '../../src/kiln.js';
import { openKiln } from '../../src/kiln.js';
import { createApp } from '../../src/server/create-app.js';
import type { KilnApp } from '../../src/server/kiln-app.js';

let kiln: Kiln;
let app: KilnApp;
let logs = '';

interface ErrorBody {
  error: { code: string; message: string; hint?: string; details: Record<string, unknown> };
}

const parse = (body: string): ErrorBody => JSON.parse(body) as ErrorBody;
const LONG_NAME = `n${'x'.repeat(127)}`;

beforeAll(async () => {
  const home = await mkdtemp(join(tmpdir(), 'kiln-http-'));
  kiln = await openKiln({ home, databaseUrl: undefined });
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs += chunk.toString();
      done();
    },
  });
  app = await createApp(kiln, { logger: { level: 'info', stream }, auth: { mode: 'off' } });
  const reg = await app.inject({ method: 'POST', url: '/v1/datasets/base/versions', headers: { 'content-type': 'text/csv' }, payload: 'a,b\n1,x\n2,y\n' });
  expect(reg.statusCode).toBe(201);
});

afterAll(async () => {
  await app?.close();
  await kiln?.close();
});

describe('HTTP consistency', () => {
  it('answers a wrong method with 405 and an Allow header', async () => {
    const cases: [string, string, string][] = [
      ['DELETE', '/v1/datasets', 'GET, HEAD'],
      ['PUT', '/v1/profile', 'POST'],
      ['GET', '/v1/validate', 'POST'],
      ['DELETE', '/v1/datasets/base', 'GET, HEAD'],
      ['PATCH', '/v1/datasets/base/versions', 'POST'],
      ['POST', '/healthz', 'GET, HEAD'],
    ];
    for (const [method, url, allow] of cases) {
      const res = await app.inject({ method: method as InjectOptions['method'], url });
      expect(res.statusCode, `${method} ${url}`).toBe(405);
      expect(res.headers.allow, `${method} ${url}`).toBe(allow);
      expect(parse(res.body).error).toMatchObject({ code: 'usage', details: { field: 'method' } });
    }
    const missing = await app.inject({ method: 'GET', url: '/v1/nothing-here' });
    expect(missing.statusCode).toBe(404);
    expect(parse(missing.body).error.code).toBe('not_found');
  });

  it('gives framework errors Kiln\'s error shape (bad URL encoding, 414, bad JSON, 413, 415)', async () => {
    const cases: [InjectOptions, number, string][] = [
      [{ method: 'GET', url: '/v1/datasets/%E0%A4%A' }, 400, 'url'],
      [{ method: 'GET', url: `/v1/datasets/${'x'.repeat(600)}` }, 414, 'url'],
      [{ method: 'POST', url: '/v1/profile', headers: { 'content-type': 'application/json' }, payload: '{"rows": [' }, 400, 'body'],
      [{ method: 'POST', url: '/v1/profile', headers: { 'content-type': 'application/json' }, payload: '' }, 400, 'body'],
      [{ method: 'POST', url: '/v1/profile', headers: { 'content-type': 'application/json' }, payload: '{"__proto__": {"x": 1}}' }, 400, 'body'],
      [{ method: 'POST', url: '/v1/profile', headers: { 'content-type': 'application/xml' }, payload: '<a/>' }, 415, 'content-type'],
      [{ method: 'POST', url: '/v1/validate', headers: { 'content-type': 'text/csv' }, payload: 'a\n1\n' }, 400, 'body'],
      [{ method: 'POST', url: '/v1/profile?format=xlsx', headers: { 'content-type': 'text/csv' }, payload: 'a\n1\n' }, 400, 'format'],
    ];
    for (const [req, status, field] of cases) {
      const res = await app.inject(req);
      expect(res.statusCode, JSON.stringify(req).slice(0, 120)).toBe(status);
      const body = parse(res.body);
      expect(Object.keys(body), res.body).toEqual(['error']);
      expect(body.error.message, res.body).toBeTruthy();
      expect(body.error.details.field, res.body).toBe(field);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
    }
  });

  it('treats media types case-insensitively', async () => {
    const csv = await app.inject({ method: 'POST', url: '/v1/profile', headers: { 'content-type': 'TEXT/CSV; Charset=UTF-8' }, payload: 'a\n1\n3\n' });
    expect(csv.statusCode).toBe(200);
    expect(JSON.parse(csv.body)).toMatchObject({ rows: 2 });
    const js = await app.inject({ method: 'POST', url: '/v1/profile', headers: { 'content-type': 'Application/JSON' }, payload: JSON.stringify({ rows: [{ a: 1 }] }) });
    expect(js.statusCode).toBe(200);
    const parquetUpper = await app.inject({ method: 'POST', url: '/v1/profile', headers: { 'content-type': 'Application/X-NDJSON' }, payload: '{"a":1}\n' });
    expect(parquetUpper.statusCode).toBe(200);
  });

  it('reaches every name the CLI accepts (up to 128 characters) and refuses longer ones as a bad name', async () => {
    const reg = await app.inject({ method: 'POST', url: `/v1/datasets/${LONG_NAME}/versions`, headers: { 'content-type': 'text/csv' }, payload: 'a\n1\n' });
    expect(reg.statusCode).toBe(201);
    expect((await app.inject({ method: 'GET', url: `/v1/datasets/${LONG_NAME}` })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: `/v1/datasets/${LONG_NAME}/versions/latest` })).statusCode).toBe(200);
    const prof = await app.inject({ method: 'POST', url: '/v1/profile', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ dataset: `${LONG_NAME}@1` }) });
    expect(prof.statusCode).toBe(200);
    const tooLong = await app.inject({ method: 'GET', url: `/v1/datasets/${LONG_NAME}x` });
    expect(tooLong.statusCode).toBe(400);
    expect(parse(tooLong.body).error.details.field).toBe('name');
  });

  it('blames the version, not the name or a file, for a bad version reference', async () => {
    for (const bad of ['base@0', 'base@-1', 'base@1.5', 'base@abc', 'base@', 'base@99999999999']) {
      const res = await app.inject({ method: 'POST', url: '/v1/profile', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ dataset: bad }) });
      expect(res.statusCode, bad).toBe(400);
      const body = parse(res.body);
      expect(body.error.message, bad).toMatch(/^invalid version/);
      expect(body.error.details, bad).toMatchObject({ field: 'dataset', part: 'version' });
      expect(body.error.message, bad).not.toMatch(/file|name/);
    }
    const path = await app.inject({ method: 'GET', url: '/v1/datasets/base/versions/0' });
    expect(path.statusCode).toBe(400);
    expect(parse(path.body).error.details.field).toBe('version');
    const missing = await app.inject({ method: 'POST', url: '/v1/profile', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ dataset: 'base@7' }) });
    expect(missing.statusCode).toBe(404);
    expect(parse(missing.body).error.message).toBe('dataset base@7 not found');
  });

  it('names the offending field of a malformed body', async () => {
    const cases: [unknown, string][] = [
      [{ rows: 'x' }, 'rows'],
      [{ rows: [{ a: 1 }], dataset: 'base@1' }, 'dataset'],
      [{}, 'dataset'],
      [{ rows: [{ a: 1 }], extra: true }, 'extra'],
    ];
    for (const [payload, field] of cases) {
      const res = await app.inject({ method: 'POST', url: '/v1/profile', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(payload) });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(parse(res.body).error.details.field, JSON.stringify(payload)).toBe(field);
    }
  });

  it('documents requests and responses (errors included) in OpenAPI', async () => {
    const doc = JSON.parse((await app.inject({ method: 'GET', url: '/openapi.json' })).body) as {
      paths: Record<string, Record<string, { requestBody?: { content: Record<string, unknown> }; responses: Record<string, { content?: Record<string, { schema: { properties?: Record<string, unknown> } }> }> }>>;
    };
    const profile = doc.paths['/v1/profile'].post;
    expect(Object.keys(profile.requestBody?.content ?? {})).toEqual(expect.arrayContaining(['application/json', 'text/csv', 'application/vnd.apache.parquet']));
    expect(Object.keys(profile.responses)).toEqual(expect.arrayContaining(['200', '400', '404', '413', '415', '500']));
    expect(profile.responses['400'].content?.['application/json'].schema.properties).toHaveProperty('error');
    expect(profile.responses['200'].content?.['application/json'].schema.properties).toHaveProperty('columns');
    const register = doc.paths['/v1/datasets/{name}/versions'].post;
    expect(Object.keys(register.responses)).toEqual(expect.arrayContaining(['200', '201', '400', '413']));
    expect(doc.paths['/readyz'].get.responses).toHaveProperty('503');
    expect(doc.paths['/v1/datasets/{name}/versions/{version}'].get.responses['200'].content?.['application/json']).toBeTruthy();
  });

  it('tags each response with a request id, and logs requests without their bodies', async () => {
    const marker = 'body-marker-5d1e';
    const res = await app.inject({ method: 'POST', url: '/v1/profile', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ rows: [{ secret: marker }] }) });
    expect(res.statusCode).toBe(200);
    const bad = await app.inject({ method: 'POST', url: '/v1/profile', headers: { 'content-type': 'application/json' }, payload: `{"rows": ["${marker}"` });
    expect(bad.statusCode).toBe(400);
    const id = String(res.headers['x-request-id']);
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(logs).toContain(`"reqId":"${id}"`);
    expect(logs).not.toContain(marker);
  });

  it('answers an internal failure with a generic 5xx and an error id that finds the details in the log', async () => {
    const home = await mkdtemp(join(tmpdir(), 'kiln-http-5xx-'));
    const k = await openKiln({ home, databaseUrl: undefined });
    let log = '';
    const stream = new Writable({
      write(chunk: Buffer, _enc, done) {
        log += chunk.toString();
        done();
      },
    });
    const a = await createApp(k, { logger: { level: 'info', stream }, auth: { mode: 'off' } });
    try {
      expect(JSON.parse((await a.inject({ method: 'GET', url: '/readyz' })).body)).toEqual({ status: 'ready', metadata: 'sqlite' });
      await k.metadata.close(); // the database goes away under the server
      const res = await a.inject({ method: 'GET', url: '/v1/datasets' });
      expect(res.statusCode).toBe(500);
      const body = parse(res.body);
      expect(body).toEqual({ error: { code: 'internal', message: 'internal error', details: { errorId: expect.stringMatching(/^[0-9a-f-]{36}$/) } } });
      const entry = log.split('\n').find((l) => l.includes(String(body.error.details.errorId)));
      expect(entry).toBeDefined();
      expect(JSON.parse(entry as string)).toMatchObject({ level: 50, msg: 'internal error', err: { message: expect.any(String) } });
      const ready = await a.inject({ method: 'GET', url: '/readyz' });
      expect(ready.statusCode).toBe(503);
      const r = JSON.parse(ready.body) as { status: string; errorId: string };
      expect(r.status).toBe('unavailable');
      expect(Object.keys(r).sort()).toEqual(['errorId', 'status']);
      expect(log).toContain(r.errorId);
    } finally {
      await a.close();
    }
  });
});
