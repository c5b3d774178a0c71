/**
 * Integrity rules every artifact adapter shares: the key format (a lowercase sha256 hex, checked before
 * any path or object key is built, which rules out traversal) and hash verification of streamed bytes.
 */
import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';
import { InputError, InternalError } from '../core/errors.js';

const HASH_PATTERN = /^[0-9a-f]{64}$/;

/** Throws InputError unless `hash` is 64 lowercase hex characters; returns it. */
export function checkArtifactHash(hash: string): string {
  if (typeof hash !== 'string' || !HASH_PATTERN.test(hash)) {
    throw new InputError(`artifact hash must be 64 lowercase hex characters (a sha256), got '${String(hash).slice(0, 80)}'`, { field: 'hash' });
  }
  return hash;
}

/** Whether `name` is a valid artifact hash (for listings that must skip foreign objects). */
export function isArtifactHash(name: string): boolean {
  return HASH_PATTERN.test(name);
}

/** The error every read path raises when stored bytes do not hash to their key. */
export function corruptedArtifactError(hash: string, actual: string, location: string, file?: string): InternalError {
  return new InternalError(`artifact ${hash} in ${location} is corrupted: its bytes hash to ${actual}; restore it from a backup or register the data again`, {
    field: 'hash',
    ...(file ? { file } : {}),
  });
}

/** A pass-through stream that fails at its end when the bytes that went through do not hash to `hash`. */
export function verifyingTransform(hash: string, onMismatch: (actual: string) => Error): Transform {
  const hasher = createHash('sha256');
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hasher.update(chunk);
      callback(null, chunk);
    },
    flush(callback) {
      const actual = hasher.digest('hex');
      callback(actual === hash ? null : onMismatch(actual));
    },
  });
}
