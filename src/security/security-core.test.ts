/** Permissions by role, API token hashing, the audit hash chain and envelope encryption. */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ForbiddenError } from '../core/errors.js';
import { generateApiToken, parseApiToken, verifyTokenSecret } from './api-token.js';
import { GENESIS_HASH, redactSecrets, sealAuditEntry, verifyAuditChain } from './audit-chain.js';
import type { AuditEntry, AuditEvent } from './audit-chain.js';
import { decryptEnvelope, encryptEnvelope, parseMasterKey, rewrapEnvelope } from './envelope-encryption.js';
import { authorize, isAllowed, isPermission, permissionsOf } from './permissions.js';
import type { Principal } from './permissions.js';

const who = (grants: Principal['grants']): Principal => ({ actor: 'token:t1', kind: 'token', grants, superuser: false });

describe('permissions', () => {
  it('grants each role what it should on its own project only', () => {
    const viewer = who([{ project: 'a', role: 'viewer' }]);
    expect(isAllowed(viewer, 'datasets:read', { project: 'a' })).toBe(true);
    expect(isAllowed(viewer, 'datasets:write', { project: 'a' })).toBe(false);
    expect(isAllowed(viewer, 'datasets:read', { project: 'b' })).toBe(false);
    expect(isAllowed(viewer, 'tokens:read', { project: 'a' })).toBe(false);
    const editor = who([{ project: 'a', role: 'editor' }]);
    expect(isAllowed(editor, 'models:write', { project: 'a' })).toBe(true);
    expect(isAllowed(editor, 'tokens:admin', { project: 'a' })).toBe(false); // no escalation to admin tokens
    expect(isAllowed(who([{ project: 'a', role: 'admin' }]), 'tokens:admin', { project: 'a' })).toBe(true);
  });

  it('narrows service roles to one endpoint', () => {
    const predictor = who([{ project: 'a', role: 'predictor', resources: { endpoints: ['churn'] } }]);
    expect(isAllowed(predictor, 'endpoints:predict', { project: 'a', resourceName: 'churn' })).toBe(true);
    expect(isAllowed(predictor, 'endpoints:predict', { project: 'a', resourceName: 'fraud' })).toBe(false);
    expect(isAllowed(predictor, 'endpoints:read', { project: 'a', resourceName: 'churn' })).toBe(false);
    expect(permissionsOf('predictor')).toEqual(['endpoints:predict']);
    expect(permissionsOf('pusher').sort()).toEqual(['endpoints:feedback', 'features:push']);
  });

  it('names the missing permission when refusing', () => {
    try {
      authorize(who([]), 'datasets:write', { project: 'default' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ForbiddenError);
      expect((err as ForbiddenError).details.permission).toBe('datasets:write');
      expect((err as ForbiddenError).message).toContain('datasets:write');
    }
    expect(isPermission('datasets:read')).toBe(true);
    expect(isPermission('datasets:fly')).toBe(false);
    expect(isPermission('datasets:read:x')).toBe(false);
  });
});

describe('API tokens', () => {
  it('verifies the real secret and nothing else', async () => {
    const t = await generateApiToken();
    expect(t.token.startsWith(t.prefix + '_')).toBe(true);
    expect(t.secretHash).not.toContain(t.token.slice(t.prefix.length + 1));
    const parsed = parseApiToken(t.token);
    expect(parsed?.id).toBe(t.id);
    expect(await verifyTokenSecret(parsed?.secret ?? '', t.secretHash)).toBe(true);
    const other = await generateApiToken();
    expect(await verifyTokenSecret(parseApiToken(other.token)?.secret ?? '', t.secretHash)).toBe(false);
    expect(parseApiToken('kiln_abc')).toBeNull();
    expect(parseApiToken(`${t.token}x`)).toBeNull();
  });
});

describe('audit chain', () => {
  const event = (i: number): AuditEvent => ({ actor: 'local:ann', action: 'dataset.register', resourceType: 'datasets', resourceId: `d${i}`, project: 'default', before: null, after: { version: i, token: 'kiln_secret' }, requestId: null, sourceAddress: null });
  function chain(n: number): AuditEntry[] {
    const out: AuditEntry[] = [];
    for (let i = 0; i < n; i++) out.push(sealAuditEntry(event(i), out[i - 1] ?? null, new Date(Date.UTC(2026, 0, 1, 0, i))));
    return out;
  }

  it('verifies an intact chain and redacts secrets', async () => {
    const c = chain(5);
    expect(c[0].prevHash).toBe(GENESIS_HASH);
    expect(c[1].after).toEqual({ version: 1, token: '[redacted]' });
    expect(await verifyAuditChain(c)).toEqual({ ok: true, entries: 5 });
  });

  it('detects an edited, a deleted and a re-hashed entry', async () => {
    const edited = chain(5);
    edited[2] = { ...edited[2], actor: 'local:mallory' };
    expect((await verifyAuditChain(edited)).brokenAt).toEqual({ seq: 3, reason: expect.stringContaining('edited') as string });
    const deleted = chain(5);
    deleted.splice(1, 1);
    expect((await verifyAuditChain(deleted)).brokenAt?.seq).toBe(3);
    // Re-sealing an edited entry fixes its own hash but breaks the next link.
    const resealed = chain(5);
    resealed[2] = sealAuditEntry({ ...event(2), actor: 'local:mallory' }, resealed[1], new Date(resealed[2].at));
    expect((await verifyAuditChain(resealed)).brokenAt).toEqual({ seq: 4, reason: expect.stringContaining('prevHash') as string });
  });

  it('makes NaN and bigint JSON-safe', () => {
    expect(redactSecrets({ a: Number.NaN, b: 10n, nested: { password: 'x', ok: 1 } })).toEqual({ a: 'NaN', b: '10', nested: { password: '[redacted]', ok: 1 } });
  });
});

describe('envelope encryption', () => {
  const k1 = parseMasterKey(randomBytes(32).toString('hex'));
  const k2 = parseMasterKey(randomBytes(32).toString('base64'));
  const plain = randomBytes(100_000);

  it('round-trips, and fails clearly with the wrong key or tampered bytes', () => {
    const blob = encryptEnvelope(plain, k1);
    expect(blob.includes(plain.subarray(0, 64))).toBe(false);
    expect(decryptEnvelope(blob, [k1]).equals(plain)).toBe(true);
    expect(() => decryptEnvelope(blob, [k2])).toThrow(/not configured/);
    const forged = { id: k1.id, key: k2.key };
    expect(() => decryptEnvelope(blob, [forged])).toThrow(/wrong key or tampered/);
    const tampered = Buffer.from(blob);
    tampered[tampered.length - 100] ^= 1;
    expect(() => decryptEnvelope(tampered, [k1])).toThrow(/modified or truncated/);
    expect(() => decryptEnvelope(blob.subarray(0, 40), [k1])).toThrow(/truncated/);
  });

  it('rotates by re-wrapping the data key only', () => {
    const blob = encryptEnvelope(plain, k1);
    const rotated = rewrapEnvelope(blob, [k1], k2);
    expect(rotated.subarray(rotated.length - plain.length - 16).equals(blob.subarray(blob.length - plain.length - 16))).toBe(true);
    expect(decryptEnvelope(rotated, [k2]).equals(plain)).toBe(true);
    expect(() => decryptEnvelope(rotated, [k1])).toThrow(/not configured/);
  });

  it('refuses malformed master keys', () => {
    expect(() => parseMasterKey('short')).toThrow(/256-bit key/);
  });
});
