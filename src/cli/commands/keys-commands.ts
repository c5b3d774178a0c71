/**
 * `kiln keys status | rotate | generate`: the master keys of encryption at rest (docs/security.md).
 * `status` counts blobs and alert webhook secrets stored plain and encrypted, per master key id; `rotate`
 * re-wraps every data key (blobs, then webhook secrets) under KILN_MASTER_KEY (old keys from
 * KILN_MASTER_KEYS_OLD), resumable by running it again, and exits 1 when some blob or secret could not be
 * re-wrapped; `--encrypt-plain` also encrypts what was stored plain; `generate` prints a fresh random 256-bit key.
 */
import type { Command } from 'commander';
import type { CliContext } from '../main.js';
import { printJson, renderTable } from '../output.js';
import { createProgress } from '../progress.js';
import { withKiln } from '../with-kiln.js';

/** Register the `keys` command group. */
export function registerKeysCommands(program: Command, ctx: CliContext): void {
  const { io } = ctx;
  const keys = program.command('keys').description('master keys of encryption at rest: status, rotate, generate (docs/security.md)');

  keys
    .command('status')
    .description('how many blobs and alert webhook secrets are encrypted or plain, and under which master key id')
    .option('--json', 'print as JSON')
    .action(async (flags: { json?: boolean }) => {
      const progress = flags.json ? null : createProgress(io, 'reading headers', 'blobs');
      const status = await withKiln(async (kiln) => ({ ...(await kiln.encryption.status((done, total) => progress?.update(done, total))), alertSecrets: await kiln.alerts.secretsStatus() }));
      progress?.stop();
      if (flags.json) return printJson(io, status);
      io.out(`encryption at rest: ${status.enabled ? `on (KILN_MASTER_KEY is ${status.activeKeyId})` : 'off (KILN_MASTER_KEY is not set)'}\n`);
      io.out(`${status.location}: ${status.blobs} blobs, ${status.encrypted} encrypted, ${status.plain} plain\n`);
      if (status.keys.length > 0) io.out(renderTable(['key id', 'blobs', 'configured', 'active'], status.keys.map((k) => [k.id, k.blobs, k.configured ? 'yes' : 'NO', k.active ? 'yes' : ''])));
      const secrets = status.alertSecrets;
      io.out(`alert webhook secrets: ${secrets.channels}, ${secrets.encrypted} encrypted, ${secrets.plain} plain\n`);
      if (secrets.keys.length > 0) io.out(renderTable(['key id', 'secrets', 'configured', 'active'], secrets.keys.map((k) => [k.id, k.channels, k.configured ? 'yes' : 'NO', k.active ? 'yes' : ''])));
    });

  keys
    .command('rotate')
    .description('re-wrap every data key (blobs, alert webhook secrets) under KILN_MASTER_KEY (previous keys in KILN_MASTER_KEYS_OLD); run again to resume')
    .option('--encrypt-plain', 'also encrypt blobs and secrets stored before encryption was turned on (rewrites them)')
    .option('--json', 'print as JSON')
    .action(async (flags: { encryptPlain?: boolean; json?: boolean }) => {
      const progress = flags.json ? null : createProgress(io, 'rotating', 'blobs');
      const { localPrincipal } = await import('../../security/local-principal.js');
      const encryptPlain = flags.encryptPlain === true;
      const report = await withKiln(async (kiln) => {
        const blobs = await kiln.encryption.rotate(localPrincipal(), { encryptPlain, onProgress: (done, total) => progress?.update(done, total) }, kiln.security);
        return { ...blobs, alertSecrets: await kiln.alerts.rotateSecrets({ encryptPlain }, { actor: localPrincipal() }) };
      });
      progress?.stop();
      const secrets = report.alertSecrets;
      if (report.failed.length > 0 || secrets.failed.length > 0) ctx.exitCode = 1;
      if (flags.json) return printJson(io, report);
      io.out(`${report.location}: ${report.rewrapped} re-wrapped under ${report.activeKeyId}, ${report.current} already current, ${report.encryptedPlain} encrypted, ${report.plain} plain, ${report.failed.length} failed\n`);
      io.out(`alert webhook secrets: ${secrets.rewrapped} re-wrapped, ${secrets.current} already current, ${secrets.encryptedPlain} encrypted, ${secrets.plain} plain, ${secrets.failed.length} failed\n`);
      for (const f of report.failed) io.err(`${f.hash}: ${f.message}\n`);
      for (const f of secrets.failed) io.err(`${f.message}\n`);
      if (report.plain > 0 || secrets.plain > 0) io.err('blobs and secrets stored plain stay plain; run with --encrypt-plain to encrypt them\n');
    });

  keys
    .command('generate')
    .description('print a new random 256-bit master key (hex) and its id')
    .option('--json', 'print as JSON')
    .action(async (flags: { json?: boolean }) => {
      const { randomBytes } = await import('node:crypto');
      const { parseMasterKey } = await import('../../security/envelope-encryption.js');
      const key = randomBytes(32).toString('hex');
      const { id } = parseMasterKey(key);
      if (flags.json) return printJson(io, { key, id });
      io.out(`${key}\n`);
      io.err(`key id ${id}; store it as KILN_MASTER_KEY or in a file with mode 0600 named by KILN_MASTER_KEY_FILE. Lose it and encrypted artifacts are lost.\n`);
    });
}
