/**
 * A credential kept in a metadata row (a webhook's signing secret), as stored: the plain text when no
 * master key was configured at write time, or a sealed envelope (`security/secrets-at-rest.ts`) when one
 * was. Plain data, so any repository can store it inside a JSON document; only `security/` opens it.
 * Format `kiln-secret-v1`: `{ enc, keyId, envelope }`, `envelope` the base64 of a KILNENC1 envelope
 * (docs/security.md, "Secrets in the metadata store").
 */

/** The version tag of a sealed secret. */
export const SEALED_SECRET_FORMAT = 'kiln-secret-v1';

/** A secret encrypted at rest: `keyId` names the master key that wrapped its data key. */
export interface SealedSecret {
  readonly enc: typeof SEALED_SECRET_FORMAT;
  readonly keyId: string;
  /** base64 of the envelope (`KILNENC1` header, IV, ciphertext, tag). */
  readonly envelope: string;
}

/** A secret as a row holds it: plain text (legacy, or no master key) or sealed. */
export type StoredSecret = string | SealedSecret;

/** How a secret is stored, as lists and `show` report it (never the secret itself). */
export type SecretStorage = 'plaintext' | 'encrypted';

/** Whether a stored secret is sealed (any object with an `enc` tag counts, so a newer format is not read as plain). */
export function isSealedSecret(stored: StoredSecret): stored is SealedSecret {
  return typeof stored === 'object' && stored !== null && typeof (stored as { enc?: unknown }).enc === 'string';
}

/** How `stored` is kept at rest. */
export function secretStorageOf(stored: StoredSecret): SecretStorage {
  return isSealedSecret(stored) ? 'encrypted' : 'plaintext';
}
