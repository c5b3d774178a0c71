/** OIDC bearer tokens: valid tokens map to principals; forged, `alg: none`, wrong issuer/audience and expired ones are refused. */
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, UnsecuredJWT } from 'jose';
import type { JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { UnauthenticatedError } from '../core/errors.js';
import { OidcVerifier, looksLikeJwt, parseGroupGrants } from './oidc-verifier.js';

const ISSUER = 'https://idp.example.com';
const AUDIENCE = 'kiln';
const good = await generateKeyPair('ES256');
const evil = await generateKeyPair('ES256');
const jwk: JWK = { ...(await exportJWK(good.publicKey)), kid: 'k1', alg: 'ES256' };
const verifier = new OidcVerifier(
  { issuer: ISSUER, audience: AUDIENCE, groupGrants: parseGroupGrants('{"ml":[{"project":"default","role":"editor"}]}'), superuserGroups: ['root'] },
  createLocalJWKSet({ keys: [jwk] }),
);

function sign(key: Parameters<SignJWT['sign']>[0], claims: Record<string, unknown> = {}, opts: { iss?: string; aud?: string; exp?: string } = {}): Promise<string> {
  return new SignJWT({ groups: ['ml'], ...claims })
    .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
    .setSubject('ann')
    .setIssuer(opts.iss ?? ISSUER)
    .setAudience(opts.aud ?? AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(opts.exp ?? '10m')
    .sign(key);
}

async function reason(jwt: string): Promise<string> {
  try {
    await verifier.verify(jwt);
    return 'accepted';
  } catch (err) {
    expect(err).toBeInstanceOf(UnauthenticatedError);
    return String((err as UnauthenticatedError).details.reason);
  }
}

describe('OidcVerifier', () => {
  it('maps a valid token to a principal with group grants', async () => {
    const p = await verifier.verify(await sign(good.privateKey));
    expect(p).toEqual({ actor: 'oidc:ann', kind: 'oidc', grants: [{ project: 'default', role: 'editor' }], superuser: false });
    expect((await verifier.verify(await sign(good.privateKey, { groups: ['root'] }))).superuser).toBe(true);
  });

  it('refuses forged, unsigned, misaddressed and expired tokens', async () => {
    expect(await reason(await sign(evil.privateKey))).toBe('ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
    const none = new UnsecuredJWT({ groups: ['root'] }).setSubject('ann').setIssuer(ISSUER).setAudience(AUDIENCE).setExpirationTime('10m').encode();
    expect(looksLikeJwt(none)).toBe(true);
    expect(await reason(none)).not.toBe('accepted');
    expect(await reason(await sign(good.privateKey, {}, { iss: 'https://evil.example.com' }))).toBe('ERR_JWT_CLAIM_VALIDATION_FAILED');
    expect(await reason(await sign(good.privateKey, {}, { aud: 'other' }))).toBe('ERR_JWT_CLAIM_VALIDATION_FAILED');
    expect(await reason(await sign(good.privateKey, {}, { exp: '-5m' }))).toBe('ERR_JWT_EXPIRED');
    expect(await reason('a.b.c')).not.toBe('accepted');
  });

  it('checks the group mapping', () => {
    expect(() => parseGroupGrants('{"g":[{"project":"default","role":"god"}]}')).toThrow(/role/);
    expect(() => parseGroupGrants('[')).toThrow(/not valid JSON/);
  });
});
