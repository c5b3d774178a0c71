/**
 * The model registry API in process (Fastify inject): register a bundle document, resolve references,
 * move aliases with two concurrent compare-and-set requests (exactly one 200, one 409), gate and approve
 * with role checks (approve and override need models:admin), cards as JSON and Markdown, lineage; bad
 * bundles and hostile names are 4xx and register nothing; everything is in the OpenAPI document.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { frameFromRecords } from '../core/frame-builder.js';
import type { Kiln } from '../kiln.js';
import { openKiln } from '../kiln.js';
import { trainModel } from '../ml/train/train-model.js';
import type { ModelBundle } from '../runtime/bundle-types.js';
import { localPrincipal } from '../security/local-principal.js';
import { createApp } from './create-app.js';
import type { KilnApp } from './kiln-app.js';

let kiln: Kiln;
let app: KilnApp;
let home: string;
let bundle: ModelBundle;
const tokens: Record<'viewer' | 'editor' | 'admin', string> = { viewer: '', editor: '', admin: '' };

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'kiln-registry-api-'));
  kiln = await openKiln({ home, databaseUrl: undefined, artifactsUrl: undefined });
  const rows = Array.from({ length: 300 }, (_, i) => ({ a: (i * 37) % 100, colour: ['red', 'blue'][i % 2], y: (i * 37) % 100 > 50 ? 'yes' : 'no' }));
  bundle = (await trainModel(frameFromRecords(rows), { target: 'y', kilnVersion: 'test', seed: 3, params: { numTrees: 10 } })).bundle;
  app = await createApp(kiln, { logger: false });
  for (const role of ['viewer', 'editor', 'admin'] as const) tokens[role] = (await kiln.security.createToken({ name: role, grants: [{ project: 'default', role }] }, localPrincipal())).token;
});
afterAll(async () => {
  await app?.close();
  await kiln?.close();
  await rm(home, { recursive: true, force: true });
});

function call(role: keyof typeof tokens, method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH', url: string, payload?: unknown): Promise<LightMyRequestResponse> {
  return app.inject({ method, url, headers: { authorization: `Bearer ${tokens[role]}` }, ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}) });
}

describe('/v1/models', () => {
  it('registers bundle documents, resolves references and lists versions', async () => {
    const res = await call('editor', 'POST', '/v1/models/churn/versions', { bundle, description: 'test model', tags: { team: 'risk' } });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ name: 'churn', version: 1, ref: 'churn@1', status: 'pending', checksum: bundle.checksum, source: { kind: 'file', file: 'upload:bundle' } });
    expect((await call('editor', 'POST', '/v1/models/churn/versions', { bundle })).statusCode).toBe(201);
    const resolved = await call('viewer', 'GET', '/v1/models/churn/resolve/latest');
    expect(resolved.json()).toMatchObject({ name: 'churn', version: 2, ref: 'churn@2', format: 'kiln-bundle', aliases: [] });
    expect((await call('viewer', 'GET', '/v1/models/churn/versions')).json<{ versions: { version: number }[] }>().versions.map((v) => v.version)).toEqual([2, 1]);
    expect((await call('viewer', 'GET', '/v1/models')).json()).toMatchObject({ models: [{ name: 'churn', latestVersion: 2 }], next: null });
    expect((await call('viewer', 'POST', '/v1/models/churn/versions', { bundle })).statusCode).toBe(403);
  });

  it('refuses corrupt and unknown-version bundles, hostile names and missing runs (4xx, nothing registered)', async () => {
    const cases: [string, unknown, number, string][] = [
      ['/v1/models/bad/versions', { bundle: { ...bundle, labels: ['a', 'b'] } }, 400, 'input'],
      ['/v1/models/bad/versions', { bundle: { ...bundle, formatVersion: 7 } }, 400, 'input'],
      ['/v1/models/bad/versions', { bundle: { hello: 'world' } }, 400, 'input'],
      ['/v1/models/bad/versions', { run: 'no-such-run' }, 404, 'not_found'],
      ['/v1/models/bad/versions', {}, 400, 'usage'],
      ['/v1/models/bad/versions', { bundle, path: '/etc/passwd' }, 400, 'usage'],
      ['/v1/models/a..b/versions', { bundle }, 400, 'usage'],
      ['/v1/models/bad/versions', { bundle, description: 'x'.repeat(9000) }, 400, 'usage'],
      ['/v1/models/bad/versions', { bundle: 'not an object' }, 400, 'usage'],
      ['/v1/models/bad/versions', { run: 42 }, 400, 'usage'],
      ['/v1/models/bad/versions', { bundle, parentVersion: 0 }, 400, 'usage'],
      ['/v1/models/bad/versions', { bundle, evaluationDataset: '/etc/passwd' }, 400, 'usage'],
      ['/v1/models/%2e%2e%2fetc/versions', { bundle }, 400, 'usage'],
      [`/v1/models/${encodeURIComponent("x'; drop table model_versions;--")}/versions`, { bundle }, 400, 'usage'],
    ];
    for (const [url, body, status, code] of cases) {
      const res = await call('admin', 'POST', url, body);
      expect(res.statusCode, `${url} ${JSON.stringify(body).slice(0, 80)}: ${res.body}`).toBe(status);
      expect(res.json<{ error: { code: string } }>().error.code).toBe(code);
    }
    expect((await call('viewer', 'GET', '/v1/models/bad')).statusCode).toBe(404);
    expect((await call('editor', 'PUT', '/v1/models/churn/aliases/blue', { version: 'one' })).statusCode).toBe(400);
    expect((await call('editor', 'POST', '/v1/models/churn/versions/1/stage', { stage: 'prod' })).statusCode).toBe(400);
    expect((await call('viewer', 'GET', '/v1/models/churn/versions/99')).statusCode).toBe(404);
    expect((await call('viewer', 'GET', '/v1/models/churn/versions/Bad%20Alias')).statusCode).toBe(400);
  });

  it('two concurrent alias moves expecting the same target: exactly one 200, one 409', async () => {
    expect((await call('editor', 'PUT', '/v1/models/churn/aliases/blue', { version: 1, expectedVersion: null })).statusCode).toBe(200);
    expect((await call('editor', 'PUT', '/v1/models/churn/aliases/green', { version: 9 })).statusCode).toBe(404);
    const [a, b] = await Promise.all([
      call('editor', 'PUT', '/v1/models/churn/aliases/blue', { version: 2, expectedVersion: 1 }),
      call('editor', 'PUT', '/v1/models/churn/aliases/blue', { version: 2, expectedVersion: 1 }),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
    expect((await call('viewer', 'GET', '/v1/models/churn/versions/blue')).json()).toMatchObject({ version: 2, aliases: ['blue'] });
    expect((await call('admin', 'DELETE', '/v1/models/churn/versions/2')).statusCode).toBe(409);
    expect((await call('editor', 'DELETE', '/v1/models/churn/aliases/blue?expectedVersion=1')).statusCode).toBe(409);
    expect((await call('editor', 'DELETE', '/v1/models/churn/aliases/blue?expectedVersion=2')).statusCode).toBe(200);
  });

  it('gates, approvals and overrides need the right role; cards and lineage read back', async () => {
    expect((await call('editor', 'PUT', '/v1/models/churn/gate-policy', { policy: { thresholds: ['auc >= 1.01'] } })).statusCode).toBe(403);
    const badPolicy = await call('admin', 'PUT', '/v1/models/churn/gate-policy', { policy: { thresholds: ['auc >= '] } });
    expect(badPolicy.statusCode).toBe(400);
    expect(badPolicy.json()).toMatchObject({ error: { details: { field: 'policy.thresholds[0]', position: 8 } } });
    expect((await call('admin', 'PUT', '/v1/models/churn/gate-policy', { policy: { thresholds: ['auc >= 1.01'] } })).statusCode).toBe(200);
    const gate = await call('viewer', 'GET', '/v1/models/churn/versions/1/gate');
    expect(gate.json()).toMatchObject({ ref: 'churn@1', passed: false, checks: [{ gate: 'threshold', passed: false }] });
    expect((await call('editor', 'POST', '/v1/models/churn/versions/1/approve', { comment: 'x' })).statusCode).toBe(403);
    expect((await call('admin', 'POST', '/v1/models/churn/versions/1/approve', { comment: 'ok' })).json()).toMatchObject({ status: 'approved' });
    const blocked = await call('editor', 'POST', '/v1/models/churn/versions/1/stage', { stage: 'production' });
    expect(blocked.statusCode).toBe(409);
    expect((await call('editor', 'POST', '/v1/models/churn/versions/1/stage', { stage: 'production', override: true, reason: 'demo' })).statusCode).toBe(403);
    expect((await call('admin', 'POST', '/v1/models/churn/versions/1/stage', { stage: 'production', override: true })).statusCode).toBe(400);
    const promoted = await call('admin', 'POST', '/v1/models/churn/versions/1/stage', { stage: 'production', override: true, reason: 'demo' });
    expect(promoted.statusCode, promoted.body).toBe(200);
    expect(promoted.json()).toMatchObject({ version: 1, after: 'production', gates: { passed: false } });
    expect((await call('viewer', 'GET', '/v1/models/churn/resolve/production')).json()).toMatchObject({ version: 1, stage: 'production', status: 'approved' });
    const md = await call('viewer', 'GET', '/v1/models/churn/versions/production/card?format=md');
    expect(md.headers['content-type']).toMatch(/text\/markdown/);
    expect(md.body).toContain('| override | token:');
    expect((await call('viewer', 'GET', '/v1/models/churn/versions/1/card')).json()).toMatchObject({ version: { ref: 'churn@1' }, intendedUse: 'test model' });
    expect((await call('viewer', 'GET', '/v1/models/churn/versions/1/lineage')).json()).toMatchObject({ ref: 'churn@1', source: { kind: 'file' } });
    expect((await call('editor', 'PATCH', '/v1/models/churn/versions/1', { tags: { team: null, owner: 'ml' } })).json()).toMatchObject({ tags: { owner: 'ml' } });
    expect((await call('editor', 'PATCH', '/v1/models/churn', { description: 'scores churn', tags: { domain: 'retention' } })).json()).toMatchObject({ description: 'scores churn', tags: { domain: 'retention' } });
    expect((await call('viewer', 'PATCH', '/v1/models/churn', { description: 'x' })).statusCode).toBe(403);
    const audit = await kiln.security.listAudit({ resourceType: 'models', resourceId: 'churn' });
    expect(audit.items.find((e) => e.action === 'model.gate.override')).toMatchObject({ actor: expect.stringMatching(/^token:/), requestId: expect.any(String) });
  });

  it('documents every route in OpenAPI with its permission', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json<{ paths: Record<string, Record<string, { 'x-kiln-permission': string }>> }>();
    expect(doc.paths['/v1/models/{name}/versions/{version}/approve'].post['x-kiln-permission']).toBe('models:admin');
    expect(doc.paths['/v1/models/{name}/versions/{version}'].delete['x-kiln-permission']).toBe('models:delete');
    expect(doc.paths['/v1/models/{name}/aliases/{alias}'].put['x-kiln-permission']).toBe('models:write');
    expect(doc.paths['/v1/models/{name}/resolve/{version}'].get['x-kiln-permission']).toBe('models:read');
  });
});
