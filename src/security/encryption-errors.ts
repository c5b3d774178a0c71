/**
 * The two ways reading an encrypted artifact fails: the master key that wrapped its data key is not
 * configured (fix the configuration: exit 2 / HTTP 400), or its bytes fail authentication (a tampered or
 * damaged blob: like a corrupted one, nothing the caller can fix by changing the request). A secret sealed
 * in a metadata row (`secrets-at-rest.ts`) fails the same two ways, each naming the secret's owner (the
 * alert rule and channel) and what to do; neither is ever a 500.
 */
import type { ErrorDetails } from '../core/errors.js';
import { InputError, InternalError, UsageError } from '../core/errors.js';

/** The master key an artifact needs is missing or different; the message names `KILN_MASTER_KEY`. */
export class MasterKeyError extends UsageError {
  constructor(message: string, details: ErrorDetails = {}, hint?: string) {
    super(message, { field: 'KILN_MASTER_KEY', ...details }, hint ?? 'Set KILN_MASTER_KEY (or KILN_MASTER_KEY_FILE) to the key the artifacts were encrypted with; during a rotation list the previous keys in KILN_MASTER_KEYS_OLD.');
    this.name = 'MasterKeyError';
  }
}

/** An encrypted artifact whose header or body fails AES-GCM authentication, or whose plain bytes miss its hash. */
export class ArtifactTamperedError extends InternalError {
  constructor(hash: string, location: string, reason: string) {
    super(`artifact ${hash} in ${location} is corrupted or was tampered with: ${reason}; restore it from a backup or register the data again`, { field: 'hash', hash, reason });
    this.name = 'ArtifactTamperedError';
  }
}

/** A sealed secret whose master key is not configured (or no key at all); names the secret's owner. */
export class SecretKeyError extends MasterKeyError {
  constructor(owner: string, keyId: string, configured: string) {
    super(
      `the secret of ${owner} is encrypted at rest with master key ${keyId}, which is not configured (${configured})`,
      { secret: owner, keyId },
      `Set KILN_MASTER_KEY (or KILN_MASTER_KEY_FILE) to master key ${keyId}, or list it in KILN_MASTER_KEYS_OLD and run \`kiln keys rotate\`; if that key is lost, delete the rule and create it again with a new secret.`,
    );
    this.name = 'SecretKeyError';
  }
}

/** A sealed secret that is malformed or fails AES-GCM authentication (a modified row); names its owner. */
export class SecretTamperedError extends InputError {
  constructor(owner: string, reason: string) {
    super(`the stored secret of ${owner} cannot be opened: ${reason}`, { secret: owner, reason }, 'The row was modified or damaged: delete the rule and create it again with a new secret.');
    this.name = 'SecretTamperedError';
  }
}
