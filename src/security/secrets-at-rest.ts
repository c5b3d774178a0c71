/**
 * Secrets kept in metadata rows (webhook signing secrets), encrypted at rest with the same master keys and
 * envelope as artifacts (`envelope-encryption.ts`): each secret gets its own data key, wrapped by the active
 * master key, and is stored as `{ enc: 'kiln-secret-v1', keyId, envelope }` (`store/stored-secret.ts`).
 * Policy as for artifacts: with no master key configured secrets are stored as plain text (the caller says so:
 * `secretStorage: 'plaintext'` and a warning at creation); plain rows from before keep working, and `reseal`
 * (run by `kiln keys rotate`) re-wraps sealed ones under the active key and, when asked, seals plain ones.
 * Secrets are opened only where they are used (a delivery); a missing or wrong key is a `SecretKeyError`,
 * a modified row a `SecretTamperedError`, both naming the secret's owner.
 */
import { KilnError, UsageError } from '../core/errors.js';
import type { SealedSecret, StoredSecret } from '../store/stored-secret.js';
import { SEALED_SECRET_FORMAT, isSealedSecret } from '../store/stored-secret.js';
import type { MasterKeyring } from './encrypted-artifact-store.js';
import { SecretKeyError, SecretTamperedError } from './encryption-errors.js';
import type { MasterKey } from './envelope-encryption.js';
import { decryptEnvelope, encryptEnvelope, isEncrypted, parseEnvelopeHeader, rewrapEnvelope } from './envelope-encryption.js';

/** What `reseal` did to one secret. */
export type ResealOutcome = 'rewrapped' | 'current' | 'plain' | 'encrypted';

/** Seals, opens and re-wraps secrets stored in metadata rows, under the configured master keys (or none). */
export class SecretsAtRest {
  private readonly keys: readonly MasterKey[];

  constructor(readonly keyring: MasterKeyring | null) {
    this.keys = keyring ? [keyring.active, ...keyring.old.filter((k) => k.id !== keyring.active.id)] : [];
  }

  /** Whether new secrets are sealed (a master key is configured). */
  get sealing(): boolean {
    return this.keyring !== null;
  }

  /** The form to store `plain` in: sealed under the active master key, or `plain` itself when none is configured. */
  seal(plain: string): StoredSecret {
    if (!this.keyring) return plain;
    const { active } = this.keyring;
    return { enc: SEALED_SECRET_FORMAT, keyId: active.id, envelope: encryptEnvelope(Buffer.from(plain, 'utf8'), active).toString('base64') };
  }

  /** The plain secret; `owner` (e.g. `alert rule "drift" channel webhook https://...`) names it in errors. */
  open(stored: StoredSecret, owner: string): string {
    if (!isSealedSecret(stored)) {
      if (typeof stored === 'string') return stored;
      throw new SecretTamperedError(owner, 'it is neither a string nor a sealed secret');
    }
    const blob = this.envelopeOf(stored, owner);
    this.requireKey(stored.keyId, owner);
    try {
      return decryptEnvelope(blob, this.keys).toString('utf8');
    } catch (err) {
      if (err instanceof KilnError) throw new SecretTamperedError(owner, 'it fails AES-GCM authentication');
      throw err;
    }
  }

  /**
   * The secret re-wrapped under the active master key (only the envelope's header changes), or sealed when
   * it is plain and `encryptPlain` is set; unchanged when already current (or plain and not asked to seal).
   */
  reseal(stored: StoredSecret, owner: string, options: { encryptPlain?: boolean } = {}): { outcome: ResealOutcome; stored: StoredSecret } {
    const ring = this.requireKeyring();
    if (!isSealedSecret(stored)) {
      if (typeof stored !== 'string') throw new SecretTamperedError(owner, 'it is neither a string nor a sealed secret');
      return options.encryptPlain ? { outcome: 'encrypted', stored: this.seal(stored) } : { outcome: 'plain', stored };
    }
    const blob = this.envelopeOf(stored, owner);
    if (stored.keyId === ring.active.id) return { outcome: 'current', stored };
    this.requireKey(stored.keyId, owner);
    let rewrapped: Buffer;
    try {
      rewrapped = rewrapEnvelope(blob, this.keys, ring.active);
    } catch (err) {
      if (err instanceof KilnError) throw new SecretTamperedError(owner, 'its wrapped data key fails AES-GCM authentication');
      throw err;
    }
    return { outcome: 'rewrapped', stored: { enc: SEALED_SECRET_FORMAT, keyId: ring.active.id, envelope: rewrapped.toString('base64') } };
  }

  /** The keyring; a UsageError naming KILN_MASTER_KEY when none is configured (nothing to rotate to). */
  requireKeyring(): MasterKeyring {
    if (this.keyring) return this.keyring;
    throw new UsageError('encryption at rest is off: KILN_MASTER_KEY is not set', { field: 'KILN_MASTER_KEY' }, 'Set KILN_MASTER_KEY (or KILN_MASTER_KEY_FILE) to the master key, then run `kiln keys rotate --encrypt-plain`.');
  }

  /** The master key id a stored secret is sealed under, or null for a plain one (for `kiln keys status`). */
  keyIdOf(stored: StoredSecret): string | null {
    return isSealedSecret(stored) && typeof stored.keyId === 'string' ? stored.keyId : null;
  }

  /** The envelope's bytes, after checking the format tag and that its header names `stored.keyId`. */
  private envelopeOf(stored: SealedSecret, owner: string): Buffer {
    if (stored.enc !== SEALED_SECRET_FORMAT) {
      throw new UsageError(`the secret of ${owner} is stored in format ${JSON.stringify(String(stored.enc).slice(0, 40))}, which this version of Kiln cannot read`, { secret: owner, field: 'enc' }, `Upgrade Kiln to the version that wrote it (this one reads ${SEALED_SECRET_FORMAT}).`);
    }
    const blob = typeof stored.envelope === 'string' && /^[A-Za-z0-9+/]+={0,2}$/.test(stored.envelope) ? Buffer.from(stored.envelope, 'base64') : Buffer.alloc(0);
    const header = isEncrypted(blob) ? parseEnvelopeHeader(blob) : null;
    if (!header || header.keyId !== stored.keyId || !/^[0-9a-f]{16}$/.test(header.keyId)) throw new SecretTamperedError(owner, 'its envelope is malformed');
    return blob;
  }

  private requireKey(keyId: string, owner: string): void {
    if (this.keys.some((k) => k.id === keyId)) return;
    const ring = this.keyring;
    const configured = ring ? `KILN_MASTER_KEY is ${ring.active.id}${ring.old.length ? `, KILN_MASTER_KEYS_OLD has ${ring.old.map((k) => k.id).join(', ')}` : ''}` : 'no master key is configured: KILN_MASTER_KEY is not set';
    throw new SecretKeyError(owner, keyId, configured);
  }
}
