/**
 * The master keys for encryption at rest, from the environment: `KILN_MASTER_KEY` (64 hex or 44 base64
 * characters) or `KILN_MASTER_KEY_FILE` (a file holding one, readable by its owner only: mode 0600 or
 * stricter, else refused, as ssh refuses a private key others can read), plus `KILN_MASTER_KEYS_OLD`
 * (comma-separated previous keys, which still decrypt during a rotation). None set: encryption is off.
 */
import { readFileSync, statSync } from 'node:fs';
import { UsageError } from '../core/errors.js';
import type { MasterKeyring } from './encrypted-artifact-store.js';
import { parseMasterKey } from './envelope-encryption.js';

/** The configured keyring, or null when no master key is configured (encryption off). */
export function masterKeysFromEnv(env: NodeJS.ProcessEnv = process.env): MasterKeyring | null {
  const inline = env.KILN_MASTER_KEY?.trim() ?? '';
  const file = env.KILN_MASTER_KEY_FILE?.trim() ?? '';
  const oldText = env.KILN_MASTER_KEYS_OLD?.trim() ?? '';
  if (inline && file) throw new UsageError('set KILN_MASTER_KEY or KILN_MASTER_KEY_FILE, not both', { field: 'KILN_MASTER_KEY' }, 'Keep the key in one place: unset one of the two variables.');
  if (!inline && !file) {
    if (oldText) throw new UsageError('KILN_MASTER_KEYS_OLD is set but KILN_MASTER_KEY is not', { field: 'KILN_MASTER_KEY' }, 'Set KILN_MASTER_KEY (or KILN_MASTER_KEY_FILE) to the current master key; old keys only help decrypt during a rotation.');
    return null;
  }
  const active = inline ? parseMasterKey(inline, 'KILN_MASTER_KEY') : parseMasterKey(readKeyFile(file), 'KILN_MASTER_KEY_FILE');
  const old = oldText
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '')
    .map((t, i) => parseMasterKey(t, `KILN_MASTER_KEYS_OLD (entry ${i + 1})`));
  return { active, old };
}

/** Reads a key file after checking that only its owner can read it. */
export function readKeyFile(path: string): string {
  let info;
  try {
    info = statSync(path);
  } catch (err) {
    throw new UsageError(`KILN_MASTER_KEY_FILE ${path} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { field: 'KILN_MASTER_KEY_FILE', file: path }, 'Point KILN_MASTER_KEY_FILE at the file holding the 256-bit master key.');
  }
  if (!info.isFile()) throw new UsageError(`KILN_MASTER_KEY_FILE ${path} is not a file`, { field: 'KILN_MASTER_KEY_FILE', file: path });
  // Windows has no POSIX modes; there the folder's ACL is what protects the file.
  if (process.platform !== 'win32' && (info.mode & 0o077) !== 0) {
    throw new UsageError(`KILN_MASTER_KEY_FILE ${path} is readable by others (mode ${(info.mode & 0o777).toString(8).padStart(4, '0')}); refusing to use it`, { field: 'KILN_MASTER_KEY_FILE', file: path }, `Run: chmod 600 ${path}`);
  }
  return readFileSync(path, 'utf8');
}
