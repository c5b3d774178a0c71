/**
 * End-to-end (through `app.inject`) attacks on authentication and authorization: missing, malformed,
 * expired, revoked and forged tokens; OIDC JWTs with a bad signature, `alg: none`, wrong issuer or
 * audience; a token of project A on project B; role escalation; brute-force guessing (429, audited
 * without flooding the log); hostile ids and project names; secure headers and CORS.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kiln } from '../../src/kiln.js';
import { openKiln } from '../../src/kiln.js';
import { generateApiToken } from '../../src/security/api-token.js';
import { OidcVerifier, parseGroupGrants } from '../../src/security/oidc-verifier.js';
import { localPrincipal, SecurityService } from '../../src/security/security-service.js';
import { createApp } from '../../src/server/create-app.js';
import type { KilnApp } from '../../src/server/kiln-app.js';

const ISSUER = 'https://idp.example.com';
let kiln: Kiln;
let app: KilnApp;
let admin = '';
let editor = '';
let adminOfA = '';
let editorOfA = '';
const good = await generateKeyPair('ES256');
const evil = await generateKeyPair('ES256');

interface ErrorBody {
  error: { code: string; message: string; details: Record<string, unknown> };
}

const get = (url: string, token?: string, headers: Record<string, string> = {}, from = '127.0.0.1') =>
  app.inject({ method: 'GET', url, remoteAddress: from, headers: { ...headers, ...(token !== undefined ? { authorization: `Bearer ${token}` } : {}) } });
const post = (url: string, token: string, body: unknown, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url, headers: { ...headers, authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload: JSON.stringify(body) });

function jwt(key: Parameters<SignJWT['sign']>[0], opts: { iss?: string; aud?: string; groups?: string[] } = {}): Promise<string> {
  return new SignJWT({ groups: opts.groups ?? ['ml'] })
    .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
    .setSubject('ann')
    .setIssuer(opts.iss ?? ISSUER)
    .setAudience(opts.aud ?? 'kiln')
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(key);
}

beforeAll(async () => {
  const opened = await openKiln({ home: await mkdtemp(join(tmpdir(), 'kiln-auth-')), databaseUrl: undefined });
  const jwk = { ...(await exportJWK(good.publicKey)), kid: 'k1', alg: 'ES256' };
  const oidc = new OidcVerifier({ issuer: ISSUER, audience: 'kiln', groupGrants: parseGroupGrants('{"ml":[{"project":"default","role":"viewer"}]}') }, createLocalJWKSet({ keys: [jwk] }));
  kiln = { ...opened, security: new SecurityService(opened.metadata, oidc) };
  app = await createApp(kiln, { logger: false, auth: { mode: 'required', maxFailuresPerMinute: 5 }, corsOrigins: ['https://ui.example.com'] });
  const me = localPrincipal();
  admin = (await kiln.security.ensureAdminToken(me))?.token ?? '';
  await kiln.security.createProject('a', null, me);
  editor = (await kiln.security.createToken({ name: 'ed', grants: [{ project: 'default', role: 'editor' }] }, me)).token;
  adminOfA = (await kiln.security.createToken({ name: 'adm-a', grants: [{ project: 'a', role: 'admin' }] }, me)).token;
  editorOfA = (await kiln.security.createToken({ name: 'ed-a', grants: [{ project: 'a', role: 'editor' }] }, me)).token;
});
afterAll(async () => {
  await app?.close();
  await kiln?.close();
});

async function expect401(res: Awaited<ReturnType<typeof get>>, reason?: string): Promise<void> {
  expect(res.statusCode, res.body).toBe(401);
  const body = res.json<ErrorBody>();
  expect(body.error.code).toBe('unauthenticated');
  if (reason) expect(body.error.details.reason).toBe(reason);
}

describe('authentication', () => {
  it('accepts the first-start admin token and refuses anonymous requests', async () => {
    expect(admin).toMatch(/^kiln_[a-z0-9]{12}_/);
    expect((await get('/v1/datasets', admin)).statusCode).toBe(200);
    await expect401(await get('/v1/datasets'));
    expect((await get('/healthz')).statusCode).toBe(200);
    expect((await get('/v1/whoami', admin)).json()).toMatchObject({ superuser: true, project: 'default' });
  });

  it('refuses malformed, forged, expired and revoked tokens', async () => {
    await expect401(await get('/v1/datasets', 'not-a-token'), 'malformed');
    await expect401(await app.inject({ method: 'GET', url: '/v1/datasets', headers: { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` } }), 'malformed');
    const forged = `${admin.slice(0, 18)}${'A'.repeat(43)}`;
    await expect401(await get('/v1/datasets', forged), 'invalid');
    const fresh = await generateApiToken();
    await kiln.metadata.tokens.create({ id: fresh.id, name: 'old', prefix: fresh.prefix, secretHash: fresh.secretHash, grants: [{ project: 'default', role: 'viewer' }], superuser: false, createdAt: '2020-01-01T00:00:00.000Z', createdBy: 'local:t', expiresAt: '2020-01-02T00:00:00.000Z', revokedAt: null, lastUsedAt: null });
    await expect401(await get('/v1/datasets', fresh.token), 'expired');
    const viewer = await kiln.security.createToken({ name: 'v', grants: [{ project: 'default', role: 'viewer' }] }, localPrincipal());
    expect((await get('/v1/datasets', viewer.token)).statusCode).toBe(200);
    const revoke = await app.inject({ method: 'DELETE', url: `/v1/tokens/${viewer.record.id}`, headers: { authorization: `Bearer ${admin}` } });
    expect(revoke.statusCode, revoke.body).toBe(200);
    await expect401(await get('/v1/datasets', viewer.token), 'revoked');
  });

  it('verifies OIDC JWTs: good ones map groups to roles; bad signature, alg none, wrong issuer/audience are 401', async () => {
    const ok = await get('/v1/whoami', await jwt(good.privateKey));
    expect(ok.json()).toMatchObject({ actor: 'oidc:ann', roles: ['viewer'] });
    expect((await get('/v1/datasets', await jwt(good.privateKey))).statusCode).toBe(200);
    const from = '10.0.0.2';
    await expect401(await get('/v1/datasets', await jwt(evil.privateKey), {}, from));
    await expect401(await get('/v1/datasets', new UnsecuredJWT({ groups: ['ml'] }).setSubject('ann').setIssuer(ISSUER).setAudience('kiln').setExpirationTime('10m').encode(), {}, from));
    await expect401(await get('/v1/datasets', await jwt(good.privateKey, { iss: 'https://evil.example.com' }), {}, from));
    await expect401(await get('/v1/datasets', await jwt(good.privateKey, { aud: 'other' }), {}, from));
    // A viewer group cannot write.
    expect((await post('/v1/projects', await jwt(good.privateKey), { name: 'x' })).statusCode).toBe(403);
  });
});

describe('authorization', () => {
  it('keeps a token of project A out of project B', async () => {
    const res = await get('/v1/datasets', editorOfA);
    expect(res.statusCode).toBe(403);
    expect(res.json<ErrorBody>().error.details).toMatchObject({ permission: 'datasets:read', project: 'default' });
    expect((await get('/v1/audit', adminOfA, { 'x-kiln-project': 'default' })).statusCode).toBe(403);
    expect((await get('/v1/audit?project=a', adminOfA)).statusCode).toBe(200);
    const scoped = await get('/v1/datasets?project=a', editorOfA);
    expect(scoped.statusCode).toBe(200);
    expect(scoped.json<{ datasets: unknown[] }>().datasets).toEqual([]);
  });

  it('refuses role escalation', async () => {
    const ed = await post('/v1/tokens', editor, { name: 'mine', role: 'admin' });
    expect(ed.statusCode).toBe(403);
    expect(ed.json<ErrorBody>().error.details.permission).toBe('tokens:admin');
    const cross = await post('/v1/tokens', adminOfA, { name: 'x', grants: [{ project: 'default', role: 'admin' }] }, { 'x-kiln-project': 'a' });
    expect(cross.statusCode).toBe(403);
    expect((await post('/v1/tokens', adminOfA, { name: 'x', role: 'editor', superuser: true }, { 'x-kiln-project': 'a' })).statusCode).toBe(403);
    const okay = await post('/v1/tokens', adminOfA, { name: 'pred', grants: [{ project: 'a', role: 'predictor', resources: { endpoints: ['churn'] } }] }, { 'x-kiln-project': 'a' });
    expect(okay.statusCode, okay.body).toBe(201);
    const listed = (await get('/v1/tokens?project=a', adminOfA)).json<{ items: { name: string }[] }>();
    expect(listed.items.map((t) => t.name).sort()).toEqual(['adm-a', 'ed-a', 'pred']);
    expect((await post('/v1/projects', adminOfA, { name: 'b' }, { 'x-kiln-project': 'a' })).statusCode).toBe(403);
  });

  it('refuses hostile ids and project names with 400, not 500', async () => {
    for (const id of ['..%2F..%2Fetc%2Fpasswd', '%00', 'x'.repeat(300), 'AAAAAAAAAAAA']) {
      const res = await app.inject({ method: 'DELETE', url: `/v1/tokens/${id}`, headers: { authorization: `Bearer ${admin}` } });
      expect(res.statusCode, id).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, id).toBeLessThan(500);
    }
    for (const p of ['../default', 'DEFAULT', 'a b', '']) {
      const res = await get('/v1/whoami', admin, { 'x-kiln-project': p });
      expect(res.statusCode, p).toBe(400);
      expect(res.json<ErrorBody>().error.details.field).toBe('project');
    }
  });
});

describe('hardening', () => {
  it('rate limits guessing per address and audits it without flooding the log', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await app.inject({ method: 'GET', url: '/v1/datasets', remoteAddress: '10.9.9.9', headers: { authorization: `Bearer kiln_guess${String(i).padStart(7, '0')}_${'A'.repeat(43)}` } })).statusCode);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual(Array(7).fill(429));
    const entries = (await kiln.security.listAudit({ actor: 'anonymous' })).items.filter((e) => e.sourceAddress === '10.9.9.9');
    expect(entries.map((e) => e.action).sort()).toEqual(['auth.blocked', 'auth.failure']);
    // Another address is unaffected; the blocked one cannot even use a good token until the window ends.
    expect((await get('/v1/datasets', admin)).statusCode).toBe(200);
  });

  it('limits requests per principal (configurable)', async () => {
    const limited = await createApp(kiln, { logger: false, auth: { mode: 'required', requestsPerMinute: 3 } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await limited.inject({ method: 'GET', url: '/v1/whoami', headers: { authorization: `Bearer ${editor}` } })).statusCode);
      expect(statuses).toEqual([200, 200, 200, 429]);
      // Another principal has its own budget.
      expect((await limited.inject({ method: 'GET', url: '/v1/whoami', headers: { authorization: `Bearer ${admin}` } })).statusCode).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it('sends secure headers; CORS only for configured origins', async () => {
    const res = await get('/healthz');
    expect(res.headers).toMatchObject({ 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY', 'cache-control': 'no-store' });
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect((await get('/healthz', undefined, { origin: 'https://evil.example.com' })).headers['access-control-allow-origin']).toBeUndefined();
    const pre = await app.inject({ method: 'OPTIONS', url: '/v1/datasets', headers: { origin: 'https://ui.example.com', 'access-control-request-method': 'GET' } });
    expect(pre.statusCode).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe('https://ui.example.com');
  });

  it('records audit entries for token and project changes, and the chain verifies', async () => {
    const actions = new Set((await kiln.security.listAudit({}, { limit: 1000 })).items.map((e) => e.action));
    for (const a of ['token.create', 'token.revoke', 'project.create', 'auth.failure']) expect(actions).toContain(a);
    expect(await kiln.security.verifyAudit()).toMatchObject({ ok: true });
  });
});
