/**
 * The two ways reading an encrypted artifact fails: the master key that wrapped its data key is not
 * configured (fix the configuration: exit 2 / HTTP 400), or its bytes fail authentication (a tampered or
 * damaged blob: like a corrupted one, nothing the caller can fix by changing the request).
 */
import type { ErrorDetails } from '../core/errors.js';
import { InternalError, UsageError } from '../core/errors.js';

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
