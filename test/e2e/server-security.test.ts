/**
 * End-to-end (through `app.inject`): over HTTP a client names registered dataset versions or uploads
 * content, never a server path. Every route and field is fed hostile values (absolute and relative
 * paths, `file://`, `..`, NUL bytes, huge strings, symlink escapes of the import root) and must answer
 * 4xx with the reference-shape error for that field, without reading anything.
 */
import { mkdir, mkdtemp, readdir, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kiln } from '../../src/kiln.js';
import { openKiln } from '../../src/kiln.js';
import { createApp } from '../../src/server/create-app.js';
import type { KilnApp } from '../../src/server/kiln-app.js';

const SECRET = 'kiln-secret-7f3a9c';
let kiln: Kiln;
let app: KilnApp;
let home: string;
let outside: string;
let root: string;

interface ErrorBody {
  error: { code: string; message: string; details: Record<string, unknown> };
}

const json = (url: string, body: unknown) => app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) });

beforeAll(async () => {
  const base = await mkdtemp(join(tmpdir(), 'kiln-security-'));
  home = join(base, 'home');
  outside = join(base, 'outside');
  root = join(base, 'imports');
  await mkdir(outside);
  await mkdir(join(root, 'sub'), { recursive: true });
  await writeFile(join(outside, 'secret.csv'), `token,value\n${SECRET},1\n`);
  await writeFile(join(root, 'sub', 'ok.csv'), 'a,b\n1,x\n2,y\n');
  await symlink(join(outside, 'secret.csv'), join(root, 'escape.csv'));
  await symlink(outside, join(root, 'linkdir'));
  await symlink(join(outside, 'missing.csv'), join(root, 'dangling.csv'));
  kiln = await openKiln({ home, databaseUrl: undefined, importRoot: root, maxUploadBytes: 64 * 1024 });
  // Input handling is under test here; authentication has its own suite (server-auth.test.ts).
  app = await createApp(kiln, { logger: false, auth: { mode: 'off' } });
  const reg = await app.inject({ method: 'POST', url: '/v1/datasets/base/versions', headers: { 'content-type': 'text/csv' }, payload: 'a,b\n1,x\n2,y\n3,z\n' });
  expect(reg.statusCode).toBe(201);
});

afterAll(async () => {
  await app?.close();
  await kiln?.close();
});

/** Values that name (or try to name) a file on the server. */
function hostileValues(): [string, string][] {
  const secret = join(outside, 'secret.csv');
  return [
    ['absolute path', '/etc/passwd'],
    ['absolute path of a readable CSV', secret],
    ['path shaped like a reference', `${secret}@1`],
    ['relative path that exists from the cwd', 'test/fixtures/telco-churn.csv'],
    ['file URL', `file://${secret}`],
    ['dot-dot', '../../../../../../etc/passwd'],
    ['dot-dot reference', '../base@1'],
    ['NUL byte', `base\u0000@1`],
    ['huge string', 'x'.repeat(50_000)],
    ['empty', ''],
  ];
}

async function expectRefused(res: Awaited<ReturnType<typeof json>>, field: string, label: string): Promise<void> {
  expect(res.statusCode, label).toBeGreaterThanOrEqual(400);
  expect(res.statusCode, label).toBeLessThan(500);
  expect(res.body, label).not.toContain(SECRET);
  expect(res.body, label).not.toContain('root:');
  const body = JSON.parse(res.body) as ErrorBody;
  expect(body.error.details.field, label).toBe(field);
  expect(body.error.message.length, label).toBeLessThan(400);
}

describe('no HTTP route reads a server path', () => {
  it('/v1/profile {"dataset": PATH}', async () => {
    for (const [label, value] of hostileValues()) await expectRefused(await json('/v1/profile', { dataset: value }), 'dataset', label);
  });

  it('/v1/validate {"dataset": PATH} and {"reference": PATH}', async () => {
    const suite = { suiteVersion: 1, name: 's', expectations: [{ type: 'column_exists', column: 'token' }] };
    for (const [label, value] of hostileValues()) {
      await expectRefused(await json('/v1/validate', { dataset: value, suite }), 'dataset', label);
      await expectRefused(await json('/v1/validate', { dataset: 'base@1', reference: value, suite }), 'reference', label);
      await expectRefused(await json('/v1/validate', { rows: [{ a: 1 }], reference: value, suite }), 'reference', label);
    }
  });

  it('/v1/validate {"suite": PATH} is refused: a suite is a document, never a file name', async () => {
    await expectRefused(await json('/v1/validate', { dataset: 'base@1', suite: join(outside, 'secret.csv') }), 'suite', 'suite path');
  });

  it('POST /v1/datasets/NAME/versions {"source": PATH}', async () => {
    for (const [label, value] of hostileValues()) await expectRefused(await json('/v1/datasets/stolen/versions', { source: value }), 'source', label);
    expect((await app.inject({ method: 'GET', url: '/v1/datasets/stolen' })).statusCode).toBe(404);
  });

  it('a path smuggled into the upload query or an unknown field is refused', async () => {
    const q = await app.inject({ method: 'POST', url: `/v1/profile?path=${encodeURIComponent('/etc/passwd')}`, headers: { 'content-type': 'text/csv' }, payload: 'a\n1\n' });
    expect(q.statusCode).toBe(400);
    const f = await app.inject({ method: 'POST', url: `/v1/profile?filename=${encodeURIComponent('../../etc/passwd')}`, headers: { 'content-type': 'text/csv' }, payload: 'a\n1\n' });
    expect(f.statusCode).toBe(400);
    await expectRefused(await json('/v1/profile', { file: '/etc/passwd' }), 'file', 'unknown field');
    await expectRefused(await json('/v1/datasets/x/versions', { path: '/etc/passwd' }), 'path', 'unknown field');
  });

  it('a valid reference to a registered version works on every route', async () => {
    expect(JSON.parse((await json('/v1/profile', { dataset: 'base@1' })).body)).toMatchObject({ rows: 3 });
    const suite = { suiteVersion: 1, name: 's', expectations: [{ type: 'column_exists', column: 'a' }] };
    expect(JSON.parse((await json('/v1/validate', { dataset: 'base@latest', reference: 'base@1', suite })).body)).toMatchObject({ success: true, rows: 3 });
    const copy = await json('/v1/datasets/copy/versions', { source: 'base@1' });
    expect(copy.statusCode).toBe(201);
    expect(JSON.parse(copy.body)).toMatchObject({ rows: 3, source: 'base@1' });
  });
});

describe('server-side imports from the import root', () => {
  it('imports a file under the root and records import:<path> as the source', async () => {
    const res = await json('/v1/datasets/imported/versions', { import: 'sub/ok.csv' });
    expect(res.statusCode).toBe(201);
    expect(JSON.parse(res.body)).toMatchObject({ rows: 2, source: 'import:sub/ok.csv' });
  });

  it('refuses every way out of the root, and says nothing about files outside it', async () => {
    const cases: [string, string, number][] = [
      ['symlink to a file outside', 'escape.csv', 400],
      ['through a symlinked folder', 'linkdir/secret.csv', 400],
      ['dangling symlink', 'dangling.csv', 400],
      ['dot-dot', '../outside/secret.csv', 400],
      ['dot-dot inside', 'sub/../sub/ok.csv', 400],
      ['absolute', join(outside, 'secret.csv'), 400],
      ['file URL', `file://${join(outside, 'secret.csv')}`, 400],
      ['NUL byte', 'sub/ok.csv\u0000.png', 400],
      ['backslash', 'sub\\ok.csv', 400],
      ['folder', 'sub', 400],
      ['missing', 'sub/nope.csv', 404],
      ['huge', 'a/'.repeat(600), 400],
    ];
    for (const [label, value, status] of cases) {
      const res = await json('/v1/datasets/escaped/versions', { import: value });
      expect(res.statusCode, label).toBe(status);
      expect(res.body, label).not.toContain(SECRET);
      expect(res.body, label).not.toContain(root);
      expect(res.body, label).not.toContain(outside);
    }
    // A dangling link and an escape to an existing file answer alike: no oracle for files outside.
    const a = JSON.parse((await json('/v1/datasets/escaped/versions', { import: 'escape.csv' })).body) as ErrorBody;
    const b = JSON.parse((await json('/v1/datasets/escaped/versions', { import: 'dangling.csv' })).body) as ErrorBody;
    expect(a.error.message.replace('escape', 'X')).toBe(b.error.message.replace('dangling', 'X'));
    expect((await app.inject({ method: 'GET', url: '/v1/datasets/escaped' })).statusCode).toBe(404);
  });

  it('refuses to start with an import root that is not a folder', async () => {
    const k = await openKiln({ home: join(home, 'bad-root'), databaseUrl: undefined, importRoot: join(root, 'sub', 'ok.csv') });
    try {
      await expect(createApp(k, { logger: false })).rejects.toMatchObject({ code: 'usage', details: { field: 'KILN_IMPORT_ROOT' } });
    } finally {
      await k.close();
    }
  });

  it('is disabled unless an administrator sets KILN_IMPORT_ROOT', async () => {
    const k = await openKiln({ home: join(home, 'no-imports'), databaseUrl: undefined, importRoot: undefined });
    const a = await createApp(k, { logger: false, auth: { mode: 'off' } });
    try {
      const res = await a.inject({ method: 'POST', url: '/v1/datasets/x/versions', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ import: 'sub/ok.csv' }) });
      expect(res.statusCode).toBe(400);
      expect(JSON.parse(res.body)).toMatchObject({ error: { message: 'server-side imports are disabled on this server', details: { field: 'import' } } });
    } finally {
      await a.close();
      await k.close();
    }
  });
});

describe('uploads', () => {
  it('record upload:<filename-or-format> as the source, never a temp path', async () => {
    const named = await app.inject({ method: 'POST', url: '/v1/datasets/up/versions?filename=sales%202024.csv', headers: { 'content-type': 'text/csv' }, payload: 'a\n1\n2\n' });
    expect(JSON.parse(named.body)).toMatchObject({ created: true, source: 'upload:sales 2024.csv' });
    const plain = await app.inject({ method: 'POST', url: '/v1/datasets/up2/versions', headers: { 'content-type': 'application/x-ndjson' }, payload: '{"a":1}\n{"a":2}\n' });
    expect(JSON.parse(plain.body)).toMatchObject({ source: 'upload:ndjson' });
    const shown = JSON.parse((await app.inject({ method: 'GET', url: '/v1/datasets/up/versions/1' })).body) as { source: string };
    expect(shown.source).toBe('upload:sales 2024.csv');
  });

  it('name the upload, not a server path, in errors', async () => {
    const cases: [string, string][] = [
      ['application/vnd.apache.parquet', 'not parquet at all'],
      ['text/csv', 'a,b\n'],
      ['text/csv', 'a,b\n1,2,3,4\n"unclosed\n'],
    ];
    for (const [type, payload] of cases) {
      const res = await app.inject({ method: 'POST', url: '/v1/datasets/bad/versions', headers: { 'content-type': type }, payload });
      expect(res.statusCode, payload).toBe(400);
      expect(res.body, payload).toContain('upload:');
      expect(res.body, payload).not.toContain(home);
      expect(res.body, payload).not.toContain(tmpdir());
    }
  });

  it('stream to KILN_HOME/tmp under the size limit (413) and always remove the temp file', async () => {
    const big = `a\n${'1\n'.repeat(40_000)}`;
    const res = await app.inject({ method: 'POST', url: '/v1/profile', headers: { 'content-type': 'text/csv' }, payload: big });
    expect(res.statusCode).toBe(413);
    expect(JSON.parse(res.body)).toMatchObject({ error: { code: 'input', details: { field: 'body', limit: 64 * 1024 } } });
    // Without Content-Length (chunked), the limit is enforced while streaming.
    const { Readable } = await import('node:stream');
    const chunked = await app.inject({ method: 'POST', url: '/v1/profile', headers: { 'content-type': 'text/csv' }, payload: Readable.from([Buffer.from(big)]) });
    expect(chunked.statusCode).toBe(413);
    const jsonTooBig = await json('/v1/profile', { rows: Array.from({ length: 10_000 }, (_, i) => ({ a: i })) });
    expect(jsonTooBig.statusCode).toBe(413);
    expect(JSON.parse(jsonTooBig.body)).toMatchObject({ error: { code: 'input', details: { field: 'body' } } });
    expect(await readdir(join(home, 'tmp'))).toEqual([]);
  });

  it('refuse an empty upload and an upload whose format cannot be told', async () => {
    const empty = await app.inject({ method: 'POST', url: '/v1/profile', headers: { 'content-type': 'text/csv' }, payload: '' });
    expect(empty.statusCode).toBe(400);
    const octet = await app.inject({ method: 'POST', url: '/v1/profile', headers: { 'content-type': 'application/octet-stream' }, payload: 'a\n1\n' });
    expect(octet.statusCode).toBe(400);
    expect(JSON.parse(octet.body)).toMatchObject({ error: { details: { field: 'format' } } });
    const withFormat = await app.inject({ method: 'POST', url: '/v1/profile?format=csv', headers: { 'content-type': 'application/octet-stream' }, payload: 'a\n1\n' });
    expect(withFormat.statusCode).toBe(200);
  });
});
