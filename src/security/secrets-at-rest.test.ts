/**
 * `SecretsAtRest`: a sealed secret holds no plaintext and opens with its key (or an old key during a
 * rotation); no key stores plain; a plain (legacy) secret opens as is; a missing or wrong key is a
 * `SecretKeyError` naming the owner and KILN_MASTER_KEY; a modified envelope is a `SecretTamperedError`;
 * an unknown format says to upgrade; `reseal` re-wraps, skips current ones and seals plain ones on request.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { KilnError } from '../core/errors.js';
import { UsageError, httpStatusFor } from '../core/errors.js';
import type { SealedSecret, StoredSecret } from '../store/stored-secret.js';
import { isSealedSecret, secretStorageOf } from '../store/stored-secret.js';
import { SecretKeyError, SecretTamperedError } from './encryption-errors.js';
import { parseMasterKey } from './envelope-encryption.js';
import { SecretsAtRest } from './secrets-at-rest.js';

const K1 = parseMasterKey(randomBytes(32).toString('hex'));
const K2 = parseMasterKey(randomBytes(32).toString('hex'));
const SECRET = 'whsec-0123456789-abcdefghij';
const OWNER = 'alert rule "drift" (project default) channel webhook https://hooks.example.com/a';

function sealed(stored: StoredSecret): SealedSecret {
  if (!isSealedSecret(stored)) throw new Error('expected a sealed secret');
  return stored;
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

describe('SecretsAtRest', () => {
  it('seals under the active key: no plaintext in the stored form, opens back, fresh data key each time', () => {
    const secrets = new SecretsAtRest({ active: K1, old: [] });
    expect(secrets.sealing).toBe(true);
    const a = sealed(secrets.seal(SECRET));
    expect(a).toMatchObject({ enc: 'kiln-secret-v1', keyId: K1.id });
    expect(JSON.stringify(a)).not.toContain(SECRET);
    expect(Buffer.from(a.envelope, 'base64').includes(Buffer.from(SECRET))).toBe(false);
    expect(secretStorageOf(a)).toBe('encrypted');
    expect(secrets.open(a, OWNER)).toBe(SECRET);
    expect(sealed(secrets.seal(SECRET)).envelope).not.toBe(a.envelope);
    // A round trip through JSON (how rows store it) changes nothing.
    expect(secrets.open(JSON.parse(JSON.stringify(a)) as StoredSecret, OWNER)).toBe(SECRET);
  });

  it('without a master key stores plain text, and plain (legacy) secrets open as they are', () => {
    const none = new SecretsAtRest(null);
    expect(none.sealing).toBe(false);
    expect(none.seal(SECRET)).toBe(SECRET);
    expect(secretStorageOf(SECRET)).toBe('plaintext');
    expect(none.open(SECRET, OWNER)).toBe(SECRET);
    expect(new SecretsAtRest({ active: K1, old: [] }).open(SECRET, OWNER)).toBe(SECRET);
  });

  it('a missing or wrong key is a SecretKeyError (4xx) naming the owner, the key id and KILN_MASTER_KEY', () => {
    const stored = new SecretsAtRest({ active: K1, old: [] }).seal(SECRET);
    const wrong = thrown(() => new SecretsAtRest({ active: K2, old: [] }).open(stored, OWNER));
    expect(wrong).toBeInstanceOf(SecretKeyError);
    expect((wrong as Error).message).toContain(OWNER);
    expect((wrong as Error).message).toMatch(new RegExp(`master key ${K1.id}, which is not configured \\(KILN_MASTER_KEY is ${K2.id}\\)`));
    expect((wrong as KilnError).hint).toMatch(/KILN_MASTER_KEYS_OLD/);
    expect(httpStatusFor(wrong)).toBe(400);
    const missing = thrown(() => new SecretsAtRest(null).open(stored, OWNER));
    expect(missing).toBeInstanceOf(SecretKeyError);
    expect((missing as Error).message).toMatch(/no master key is configured: KILN_MASTER_KEY is not set/);
    // During a rotation the old key still opens it.
    expect(new SecretsAtRest({ active: K2, old: [K1] }).open(stored, OWNER)).toBe(SECRET);
  });

  it('a modified envelope is a SecretTamperedError; an unknown format says to upgrade', () => {
    const secrets = new SecretsAtRest({ active: K1, old: [] });
    const s = sealed(secrets.seal(SECRET));
    const bytes = Buffer.from(s.envelope, 'base64');
    bytes[bytes.length - 3] ^= 1;
    const flipped = thrown(() => secrets.open({ ...s, envelope: bytes.toString('base64') }, OWNER));
    expect(flipped).toBeInstanceOf(SecretTamperedError);
    expect((flipped as Error).message).toContain(OWNER);
    expect(httpStatusFor(flipped)).toBe(400);
    expect(thrown(() => secrets.open({ ...s, envelope: 'not base64!' }, OWNER))).toBeInstanceOf(SecretTamperedError);
    // The key id in the row must be the one in the envelope's header.
    expect(thrown(() => secrets.open({ ...s, keyId: K2.id }, OWNER))).toBeInstanceOf(SecretTamperedError);
    const future = thrown(() => secrets.open({ ...s, enc: 'kiln-secret-v9' } as unknown as SealedSecret, OWNER));
    expect(future).toBeInstanceOf(UsageError);
    expect((future as KilnError).hint).toMatch(/Upgrade Kiln/);
    expect(thrown(() => secrets.open(42 as unknown as StoredSecret, OWNER))).toBeInstanceOf(SecretTamperedError);
  });

  it('reseal re-wraps under the active key, skips current ones, seals plain ones only when asked', () => {
    const old = sealed(new SecretsAtRest({ active: K1, old: [] }).seal(SECRET));
    const rotating = new SecretsAtRest({ active: K2, old: [K1] });
    const r = rotating.reseal(old, OWNER);
    expect(r.outcome).toBe('rewrapped');
    const next = sealed(r.stored);
    expect(next.keyId).toBe(K2.id);
    expect(new SecretsAtRest({ active: K2, old: [] }).open(next, OWNER)).toBe(SECRET);
    expect(thrown(() => new SecretsAtRest({ active: K1, old: [] }).open(next, OWNER))).toBeInstanceOf(SecretKeyError);
    expect(rotating.reseal(next, OWNER)).toEqual({ outcome: 'current', stored: next });
    expect(rotating.reseal(SECRET, OWNER)).toEqual({ outcome: 'plain', stored: SECRET });
    const encrypted = rotating.reseal(SECRET, OWNER, { encryptPlain: true });
    expect(encrypted.outcome).toBe('encrypted');
    expect(rotating.open(encrypted.stored, OWNER)).toBe(SECRET);
    expect(thrown(() => new SecretsAtRest({ active: K2, old: [] }).reseal(old, OWNER))).toBeInstanceOf(SecretKeyError);
    expect(thrown(() => new SecretsAtRest(null).reseal(old, OWNER))).toBeInstanceOf(UsageError);
    expect(rotating.keyIdOf(next)).toBe(K2.id);
    expect(rotating.keyIdOf(SECRET)).toBeNull();
  });
});
