/**
 * The salt of `hash` masking rules: `KILN_PII_SALT`, or a random one generated once and kept in
 * `KILN_HOME/pii-salt` (mode 0600), so hashed columns stay joinable across registrations on one install.
 */
import { randomBytes } from 'node:crypto';
import { chmod, link, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../../core/errors.js';

/** The salt for this Kiln home. */
export async function loadPiiSalt(home: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  if (env.KILN_PII_SALT) {
    if (env.KILN_PII_SALT.length < 16) throw new InputError('KILN_PII_SALT must be at least 16 characters', { field: 'KILN_PII_SALT' });
    return env.KILN_PII_SALT;
  }
  const file = join(home, 'pii-salt');
  const existing = await readFile(file, 'utf8').catch(() => null);
  if (existing !== null && existing.trim() !== '') return existing.trim();
  // Write under a temp name and hard-link into place: two first registrations agree on one salt.
  const tmp = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  await writeFile(tmp, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600 });
  await chmod(tmp, 0o600);
  await link(tmp, file).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'EEXIST') throw err;
  });
  await rm(tmp, { force: true });
  return (await readFile(file, 'utf8')).trim();
}
