/**
 * `kiln login | logout | whoami`: credentials for talking to a Kiln server. `login` checks the token against
 * the server (`GET /v1/whoami`) before storing it (docs/security.md, "Client credentials"); `whoami` asks the
 * server who the stored (or `KILN_TOKEN`) token is, or, with no server configured, names the local OS user
 * the embedded CLI acts as.
 */
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { credentialsPath, normalizeServerUrl, readCredentials, resolveServer, writeCredentials } from '../credentials.js';
import type { CliContext } from '../main.js';
import { printJson } from '../output.js';

interface LoginFlags {
  server: string;
  token?: string;
  tokenStdin?: boolean;
  project?: string;
  json?: boolean;
}

/** Register `login`, `logout` and `whoami`. */
export function registerLoginCommands(program: Command, ctx: CliContext): void {
  const { io } = ctx;

  program
    .command('login')
    .description('check a token against a server and store it (mode 0600) for later commands')
    .requiredOption('--server <url>', 'the server, e.g. https://kiln.example.com')
    .option('--token <token>', 'the API token (default: KILN_TOKEN; prefer it or --token-stdin: arguments show in process lists)')
    .option('--token-stdin', 'read the token from standard input')
    .option('--project <project>', 'the project commands act on (X-Kiln-Project)')
    .option('--json', 'print as JSON')
    .action(async (flags: LoginFlags) => {
      const baseUrl = normalizeServerUrl(flags.server);
      if (flags.tokenStdin && flags.token !== undefined) throw new UsageError('pass --token or --token-stdin, not both', { field: 'token' });
      const token = flags.tokenStdin ? await readStdin() : flags.token?.trim() || process.env.KILN_TOKEN?.trim();
      if (!token) throw new UsageError('no token: pass --token, --token-stdin or set KILN_TOKEN', { field: 'token' }, 'Create one on the server with `kiln tokens create` (an administrator), then kiln login --server URL --token TOKEN.');
      const { createClient } = await import('../../client/kiln-client.js');
      const me = await createClient({ baseUrl, token, ...(flags.project ? { project: flags.project } : {}) }).whoami();
      const path = credentialsPath();
      const file = await readCredentials(path);
      file.servers[baseUrl] = { token, ...(flags.project ? { project: flags.project } : {}) };
      file.default = baseUrl;
      await writeCredentials(file, path);
      if (flags.json) return printJson(io, { server: baseUrl, actor: me.actor, project: me.project, roles: me.roles, superuser: me.superuser, credentials: path });
      io.out(`logged in to ${baseUrl} as ${me.actor}${me.superuser ? ' (superuser)' : ` (${me.roles.join(', ') || 'no roles'} on ${me.project})`}\n`);
      io.err(`token stored in ${path} (mode 0600)\n`);
    });

  program
    .command('logout')
    .description('forget the stored token of a server (default: the default server)')
    .option('--server <url>', 'the server to forget')
    .option('--all', 'forget every server (removes the credentials file)')
    .option('--json', 'print as JSON')
    .action(async (flags: { server?: string; all?: boolean; json?: boolean }) => {
      const path = credentialsPath();
      const file = await readCredentials(path);
      const removed = flags.all ? Object.keys(file.servers) : [flags.server ? normalizeServerUrl(flags.server) : file.default].filter((s): s is string => s !== null && s in file.servers);
      for (const url of removed) delete file.servers[url];
      if (file.default !== null && !(file.default in file.servers)) file.default = Object.keys(file.servers)[0] ?? null;
      await writeCredentials(file, path);
      if (flags.json) return printJson(io, { removed, default: file.default });
      io.out(removed.length ? `logged out of ${removed.join(', ')}\n` : 'no stored token to remove\n');
    });

  program
    .command('whoami')
    .description('who the configured token is on the server (or the local OS user when no server is configured)')
    .option('--server <url>', 'the server (default: KILN_SERVER, then the one of kiln login)')
    .option('--json', 'print as JSON')
    .action(async (flags: { server?: string; json?: boolean }) => {
      const target = await resolveServer(flags.server);
      if (!target) {
        const { localPrincipal } = await import('../../security/local-principal.js');
        const local = localPrincipal();
        if (flags.json) return printJson(io, { server: null, actor: local.actor, superuser: true });
        io.out(`${local.actor} (acting directly on KILN_HOME; no server configured: kiln login --server URL)\n`);
        return;
      }
      if (!target.token) throw new UsageError(`no token for ${target.baseUrl}`, { field: 'token' }, `Run kiln login --server ${target.baseUrl}, or set KILN_TOKEN.`);
      const { createClient } = await import('../../client/kiln-client.js');
      const me = await createClient({ baseUrl: target.baseUrl, token: target.token, ...(target.project ? { project: target.project } : {}) }).whoami();
      if (flags.json) return printJson(io, { server: target.baseUrl, tokenSource: target.tokenSource, ...me });
      io.out(`${me.actor} on ${target.baseUrl}${me.superuser ? ' (superuser)' : ` (${me.roles.join(', ') || 'no roles'} on ${me.project})`}\n`);
    });
}

/** The first line of standard input, trimmed (a token is one line; more than 64 KiB is refused). */
async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    size += (chunk as Buffer).length;
    if (size > 65_536) throw new UsageError('--token-stdin: standard input is longer than a token', { field: 'token' });
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0].trim();
}
