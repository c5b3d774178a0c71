/**
 * Envelope encryption for artifacts at rest: each blob gets its own random 256-bit data key (AES-256-GCM);
 * the data key is stored wrapped (AES-256-GCM) by a master key. Rotating the master key re-wraps data keys
 * without rewriting data: the body is bound to its data key (GCM), not to the header, and the wrapped key is
 * authenticated by the master key, so a tampered blob, a swapped header or a wrong key is an error.
 *
 * Layout: "KILNENC1" | u8 keyIdLength | keyId | wrapIv(12) | wrappedKey(32) | wrapTag(16) | iv(12) | ciphertext | tag(16)
 */
import type { CipherGCM, DecipherGCM } from 'node:crypto';
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { InputError, UsageError } from '../core/errors.js';

const MAGIC = Buffer.from('KILNENC1', 'ascii');
const IV = 12;
const TAG = 16;
const KEY = 32;

/** Bytes of the body's IV and GCM tag around the ciphertext (the ciphertext is as long as the plain bytes). */
export const ENVELOPE_BODY_OVERHEAD = IV + TAG;
/** The longest possible header (a key id of 255 bytes): enough bytes to parse any header. */
export const ENVELOPE_MAX_HEADER = MAGIC.length + 1 + 255 + IV + KEY + TAG;

/** A master key and the id stored with every data key it wraps (to pick the right key after rotation). */
export interface MasterKey {
  readonly id: string;
  readonly key: Uint8Array;
}

/** Parse a master key given as 64 hex characters or 44 base64 characters; the id is a fingerprint. */
export function parseMasterKey(text: string, source = 'KILN_MASTER_KEY'): MasterKey {
  const t = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
  if (key.length !== KEY || (!/^[0-9a-fA-F]{64}$/.test(t) && key.toString('base64') !== t)) {
    throw new UsageError(`${source} must be a 256-bit key: 64 hex characters or 44 base64 characters`, { field: source }, 'Generate one with: node -e "console.log(require(\'crypto\').randomBytes(32).toString(\'hex\'))"');
  }
  return { id: createHash('sha256').update(key).digest('hex').slice(0, 16), key };
}

/** Whether bytes start like an encrypted blob. */
export function isEncrypted(bytes: Uint8Array): boolean {
  return bytes.length >= MAGIC.length && Buffer.from(bytes.subarray(0, MAGIC.length)).equals(MAGIC);
}

function header(master: MasterKey, dataKey: Buffer): Buffer {
  const idBytes = Buffer.from(master.id, 'utf8');
  const wrapIv = randomBytes(IV);
  const wrap = createCipheriv('aes-256-gcm', master.key, wrapIv);
  wrap.setAAD(idBytes);
  const wrapped = Buffer.concat([wrap.update(dataKey), wrap.final()]);
  return Buffer.concat([MAGIC, Buffer.from([idBytes.length]), idBytes, wrapIv, wrapped, wrap.getAuthTag()]);
}

/** A parsed envelope header: which master key wrapped the data key, and where the body starts. */
export interface ParsedHeader {
  readonly keyId: string;
  readonly headerEnd: number;
  readonly wrapIv: Buffer;
  readonly wrapped: Buffer;
  readonly wrapTag: Buffer;
}

/**
 * Parses the header at the start of `b`, which may hold only the header (streaming readers); null when `b`
 * starts like an envelope but is too short to hold the whole header yet.
 */
export function parseEnvelopeHeader(b: Buffer): ParsedHeader | null {
  if (b.length < MAGIC.length + 1) return null;
  if (!isEncrypted(b)) throw new InputError('not an encrypted Kiln artifact (missing KILNENC1 header)');
  const idLen = b[MAGIC.length];
  const o = MAGIC.length + 1 + idLen;
  const headerEnd = o + IV + KEY + TAG;
  if (b.length < headerEnd) return null;
  return { keyId: b.subarray(MAGIC.length + 1, o).toString('utf8'), headerEnd, wrapIv: b.subarray(o, o + IV), wrapped: b.subarray(o + IV, o + IV + KEY), wrapTag: b.subarray(o + IV + KEY, headerEnd) };
}

/** A new header wrapping `dataKey` under `master` (rotation: the same data key under the next master key). */
export function envelopeHeader(master: MasterKey, dataKey: Uint8Array): Buffer {
  return header(master, Buffer.from(dataKey));
}

/** The data key of a parsed header, unwrapped with whichever of `keys` the header names. */
export function unwrapDataKey(h: ParsedHeader, keys: readonly MasterKey[]): Buffer {
  return unwrap(h, keys);
}

/** A fresh random data key. */
export function newDataKey(): Buffer {
  return randomBytes(KEY);
}

/** The AES-256-GCM cipher of a body under `dataKey`, with its fresh IV (write the IV, the ciphertext, then the tag). */
export function bodyCipher(dataKey: Uint8Array): { iv: Buffer; cipher: CipherGCM } {
  const iv = randomBytes(IV);
  const cipher = createCipheriv('aes-256-gcm', dataKey, iv);
  cipher.setAAD(MAGIC);
  return { iv, cipher };
}

/** The decipher of a body whose IV is `iv`; set the GCM tag before `final()`, which throws when the body was modified. */
export function bodyDecipher(dataKey: Uint8Array, iv: Uint8Array): DecipherGCM {
  const d = createDecipheriv('aes-256-gcm', dataKey, iv);
  d.setAAD(MAGIC);
  return d;
}

function parseHeader(b: Buffer): ParsedHeader {
  if (!isEncrypted(b)) throw new InputError('not an encrypted Kiln artifact (missing KILNENC1 header)');
  const idLen = b[MAGIC.length];
  let o = MAGIC.length + 1;
  const keyId = b.subarray(o, o + idLen).toString('utf8');
  o += idLen;
  const wrapIv = b.subarray(o, o + IV);
  const wrapped = b.subarray(o + IV, o + IV + KEY);
  const wrapTag = b.subarray(o + IV + KEY, o + IV + KEY + TAG);
  const headerEnd = o + IV + KEY + TAG;
  if (b.length < headerEnd + IV + TAG) throw new InputError('encrypted artifact is truncated');
  return { keyId, headerEnd, wrapIv, wrapped, wrapTag };
}

function unwrap(h: ParsedHeader, keys: readonly MasterKey[]): Buffer {
  const master = keys.find((k) => k.id === h.keyId);
  if (!master) {
    throw new UsageError(`the artifact was encrypted with master key ${h.keyId}, which is not configured (KILN_MASTER_KEY${keys.length ? ` is ${keys[0].id}` : ' is not set'})`, { keyId: h.keyId, field: 'KILN_MASTER_KEY' }, 'Set KILN_MASTER_KEY (or KILN_MASTER_KEY_FILE) to that key, or add it to KILN_MASTER_KEYS_OLD during a rotation.');
  }
  const d = createDecipheriv('aes-256-gcm', master.key, h.wrapIv);
  d.setAAD(Buffer.from(h.keyId, 'utf8'));
  d.setAuthTag(h.wrapTag);
  try {
    return Buffer.concat([d.update(h.wrapped), d.final()]);
  } catch {
    throw new InputError(`the data key of this artifact does not unwrap with master key ${h.keyId}: wrong key or tampered header`);
  }
}

/** Encrypt `plain` under a fresh data key wrapped by `master`. */
export function encryptEnvelope(plain: Uint8Array, master: MasterKey): Buffer {
  const dataKey = randomBytes(KEY);
  const head = header(master, dataKey);
  const iv = randomBytes(IV);
  const c = createCipheriv('aes-256-gcm', dataKey, iv);
  c.setAAD(MAGIC);
  const body = Buffer.concat([c.update(plain), c.final()]);
  return Buffer.concat([head, iv, body, c.getAuthTag()]);
}

/** Decrypt a blob with whichever of `keys` wrapped its data key; tampering or a wrong key is an InputError. */
export function decryptEnvelope(blob: Uint8Array, keys: readonly MasterKey[]): Buffer {
  const b = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  const h = parseHeader(b);
  const dataKey = unwrap(h, keys);
  const iv = b.subarray(h.headerEnd, h.headerEnd + IV);
  const tag = b.subarray(b.length - TAG);
  const d = createDecipheriv('aes-256-gcm', dataKey, iv);
  d.setAAD(MAGIC);
  d.setAuthTag(tag);
  try {
    return Buffer.concat([d.update(b.subarray(h.headerEnd + IV, b.length - TAG)), d.final()]);
  } catch {
    throw new InputError('encrypted artifact failed authentication: it was modified or truncated');
  }
}

/** Re-wrap a blob's data key under `next` (key rotation): only the header changes; the body's bytes stay. */
export function rewrapEnvelope(blob: Uint8Array, keys: readonly MasterKey[], next: MasterKey): Buffer {
  const b = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  const h = parseHeader(b);
  if (h.keyId === next.id) return b;
  return Buffer.concat([header(next, unwrap(h, keys)), b.subarray(h.headerEnd)]);
}
