/**
 * API tokens: `kiln_<id>_<secret>`. The id is public (it finds the record and is shown as the token's
 * prefix); the 256-bit secret is shown once and stored only as a scrypt hash, so a stolen metadata database
 * yields no usable tokens. Verification is constant-time.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { UnauthenticatedError } from '../core/errors.js';

/** scrypt cost: N = 2^14, r = 8, p = 1 (about 40 ms here): slow for guessing, fine with the verifier cache. */
const SCRYPT = { N: 1 << 14, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;
const KEY_LENGTH = 32;
const TOKEN = /^kiln_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

/** A freshly generated token: `token` is shown once, the rest is stored. */
export interface NewApiToken {
  readonly id: string;
  readonly token: string;
  /** What lists show to identify it: `kiln_<id>`. */
  readonly prefix: string;
  /** `scrypt$N$r$p$salt$hash`, base64url parts. */
  readonly secretHash: string;
}

function scryptAsync(secret: string, salt: Buffer): Promise<Buffer> {
  return new Promise((done, fail) => scrypt(secret, salt, KEY_LENGTH, SCRYPT, (err, key) => (err ? fail(err) : done(key))));
}

function newId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(12);
  let id = '';
  for (const b of bytes) id += alphabet[b % 36];
  return id;
}

/** Generate a token and its stored hash. */
export async function generateApiToken(): Promise<NewApiToken> {
  const id = newId();
  const secret = randomBytes(32).toString('base64url');
  const salt = randomBytes(16);
  const hash = await scryptAsync(secret, salt);
  return { id, token: `kiln_${id}_${secret}`, prefix: `kiln_${id}`, secretHash: `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64url')}$${hash.toString('base64url')}` };
}

/** Split a presented token into id and secret; null when it is not shaped like a Kiln token. */
export function parseApiToken(token: string): { id: string; secret: string } | null {
  const m = TOKEN.exec(token);
  return m ? { id: m[1], secret: m[2] } : null;
}

/** Whether `secret` matches a stored `secretHash` (constant-time). */
export async function verifyTokenSecret(secret: string, secretHash: string): Promise<boolean> {
  const parts = secretHash.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') throw new UnauthenticatedError('stored token hash has an unknown format');
  const [, n, r, p, salt, hash] = parts;
  const expected = Buffer.from(hash, 'base64url');
  const key = await new Promise<Buffer>((done, fail) =>
    scrypt(secret, Buffer.from(salt, 'base64url'), expected.length, { N: Number(n), r: Number(r), p: Number(p), maxmem: SCRYPT.maxmem }, (err, k) => (err ? fail(err) : done(k))),
  );
  return key.length === expected.length && timingSafeEqual(key, expected);
}
