/**
 * The route-permission table: walks /openapi.json and, for every operation, checks its declared
 * permission (`x-kiln-permission`) against every role — allowed -> not 401/403, denied -> 403 naming the
 * permission, no token -> 401. A route without a declaration fails registration.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kiln } from '../kiln.js';
import { openKiln } from '../kiln.js';
import { isAllowed, isPermission, ROLES } from '../security/permissions.js';
import type { Principal, Role } from '../security/permissions.js';
import { localPrincipal } from '../security/security-service.js';
import { installAuth } from './auth-hook.js';
import { createApp } from './create-app.js';
import type { KilnApp } from './kiln-app.js';

let kiln: Kiln;
let app: KilnApp;
const tokens = new Map<Role, string>();

interface Operation {
  readonly method: string;
  readonly path: string;
  readonly url: string;
  readonly permission: string;
}

const SAMPLE: Record<string, string> = { name: 'ds', version: '1', id: 'aaaaaaaaaaaa' };

beforeAll(async () => {
  kiln = await openKiln({ home: await mkdtemp(join(tmpdir(), 'kiln-perm-')), databaseUrl: undefined });
  app = await createApp(kiln, { logger: false });
  for (const role of ROLES) tokens.set(role, (await kiln.security.createToken({ name: role, grants: [{ project: 'default', role }] }, localPrincipal())).token);
});
afterAll(async () => {
  await app?.close();
  await kiln?.close();
});

async function operations(): Promise<Operation[]> {
  const res = await app.inject({ method: 'GET', url: '/openapi.json' });
  expect(res.statusCode).toBe(200);
  const doc = res.json<{ paths: Record<string, Record<string, { 'x-kiln-permission'?: string }>> }>();
  const out: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      if (method === 'head') continue;
      const url = path.replace(/\{(\w+)\}/g, (_m, p: string) => SAMPLE[p] ?? 'x');
      out.push({ method: method.toUpperCase(), path, url, permission: op['x-kiln-permission'] ?? '' });
    }
  }
  return out;
}

function principalOf(role: Role): Principal {
  return { actor: role, kind: 'token', grants: [{ project: 'default', role }], superuser: false };
}

describe('route permissions', () => {
  it('every operation in the OpenAPI document declares a permission, "authenticated" or "public"', async () => {
    const ops = await operations();
    expect(ops.length).toBeGreaterThanOrEqual(14);
    for (const op of ops) expect(op.permission === 'public' || op.permission === 'authenticated' || isPermission(op.permission), `${op.method} ${op.path}: ${op.permission}`).toBe(true);
  });

  it('each role x route: allowed -> not 401/403, denied -> 403 naming the permission, no token -> 401', async () => {
    const ops = await operations();
    let denied = 0;
    let allowed = 0;
    for (const op of ops) {
      const payload = op.method === 'GET' || op.method === 'DELETE' ? undefined : '{}';
      const headers = payload ? { 'content-type': 'application/json' } : {};
      const anonymous = await app.inject({ method: op.method as 'GET', url: op.url, headers, ...(payload ? { payload } : {}) });
      if (op.permission === 'public') {
        expect(anonymous.statusCode, `${op.method} ${op.path} anonymous`).not.toBe(401);
        continue;
      }
      expect(anonymous.statusCode, `${op.method} ${op.path} anonymous`).toBe(401);
      expect(anonymous.json<{ error: { code: string } }>().error.code).toBe('unauthenticated');
      for (const role of ROLES) {
        const res = await app.inject({ method: op.method as 'GET', url: op.url, headers: { ...headers, authorization: `Bearer ${tokens.get(role) ?? ''}` }, ...(payload ? { payload } : {}) });
        const label = `${role} ${op.method} ${op.path} -> ${res.statusCode} ${res.body.slice(0, 200)}`;
        const may = op.permission === 'authenticated' || (isPermission(op.permission) && isAllowed(principalOf(role), op.permission, { project: 'default' }));
        if (may) {
          allowed++;
          expect([401, 403], label).not.toContain(res.statusCode);
        } else {
          denied++;
          expect(res.statusCode, label).toBe(403);
          expect(res.json<{ error: { code: string; details: { permission: string } } }>().error, label).toMatchObject({ code: 'forbidden', details: { permission: op.permission } });
        }
      }
    }
    expect(allowed).toBeGreaterThan(10);
    expect(denied).toBeGreaterThan(10);
  });

  it('a token of project A on project B: every permission route answers 403 naming the permission', async () => {
    const me = localPrincipal();
    await kiln.security.createProject('perm-a', null, me);
    await kiln.security.createProject('perm-b', null, me);
    const adminOfA = (await kiln.security.createToken({ name: 'admin-a', grants: [{ project: 'perm-a', role: 'admin' }] }, me)).token;
    let checked = 0;
    for (const op of await operations()) {
      if (!isPermission(op.permission)) continue;
      const payload = op.method === 'GET' || op.method === 'DELETE' ? undefined : '{}';
      const headers = { authorization: `Bearer ${adminOfA}`, ...(payload ? { 'content-type': 'application/json' } : {}) };
      const cross = await app.inject({ method: op.method as 'GET', url: op.url, headers: { ...headers, 'x-kiln-project': 'perm-b' }, ...(payload ? { payload } : {}) });
      const label = `${op.method} ${op.path} in perm-b -> ${cross.statusCode} ${cross.body.slice(0, 200)}`;
      expect(cross.statusCode, label).toBe(403);
      expect(cross.json<{ error: { code: string; details: { permission: string; project: string } } }>().error, label).toMatchObject({ code: 'forbidden', details: { permission: op.permission, project: 'perm-b' } });
      // The same token in its own project passes the access check (admins may everything there).
      if (isAllowed({ actor: 'a', kind: 'token', grants: [{ project: 'perm-a', role: 'admin' }], superuser: false }, op.permission, { project: 'perm-a' })) {
        const own = await app.inject({ method: op.method as 'GET', url: op.url, headers: { ...headers, 'x-kiln-project': 'perm-a' }, ...(payload ? { payload } : {}) });
        expect([401, 403], `${op.method} ${op.path} in perm-a -> ${own.statusCode} ${own.body.slice(0, 200)}`).not.toContain(own.statusCode);
      }
      checked++;
    }
    expect(checked).toBeGreaterThan(10);
  });

  it('refuses to register a route that declares nothing', async () => {
    const bare = Fastify() as unknown as KilnApp;
    await installAuth(bare, kiln, { mode: 'required' });
    expect(() => bare.get('/v1/undeclared', () => 'x')).toThrow(/must declare exactly one of config.permission/);
    expect(() => bare.get('/v1/typo', { config: { permission: 'datasets:reed' as 'datasets:read' } }, () => 'x')).toThrow(/unknown permission/);
    await bare.close();
  });
});
