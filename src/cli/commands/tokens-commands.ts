/**
 * `kiln tokens create | list | revoke`: API tokens, acting on KILN_HOME as the local OS user (a
 * superuser: whoever can read KILN_HOME can read the metadata anyway). A created token is printed once.
 */
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { ROLES } from '../../security/permissions.js';
import type { Grant, Role } from '../../security/permissions.js';
import { localPrincipal } from '../../security/local-principal.js';
import type { CliContext } from '../main.js';
import { printJson, renderTable } from '../output.js';
import { withKiln } from '../with-kiln.js';

interface CreateFlags {
  name: string;
  role?: string;
  project: string;
  endpoint?: string[];
  expires?: string;
  superuser?: boolean;
  json?: boolean;
}

/** Register the `tokens` command group. */
export function registerTokensCommands(program: Command, ctx: CliContext): void {
  const { io } = ctx;
  const tokens = program.command('tokens').description('create, list and revoke API tokens (docs/security.md)');

  tokens
    .command('create')
    .description('create an API token and print it once')
    .requiredOption('--name <name>', 'what the token is for')
    .option('--role <role>', `role on --project: ${ROLES.join(', ')}`)
    .option('--project <project>', 'project the role applies to', 'default')
    .option('--endpoint <name...>', 'limit a predictor/pusher token to these endpoints')
    .option('--expires <iso>', 'expiry time (ISO-8601)')
    .option('--superuser', 'a server administrator token (every project, every permission)')
    .option('--json', 'print as JSON')
    .action(async (flags: CreateFlags) => {
      if (!flags.superuser && flags.role === undefined) throw new UsageError('--role is required (or --superuser)', { field: 'role' });
      if (flags.role !== undefined && !(ROLES as readonly string[]).includes(flags.role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')} (got "${flags.role}")`, { field: 'role' });
      const grants: Grant[] = flags.role ? [{ project: flags.project, role: flags.role as Role, ...(flags.endpoint ? { resources: { endpoints: flags.endpoint } } : {}) }] : [];
      const created = await withKiln((kiln) => kiln.security.createToken({ name: flags.name, grants, superuser: flags.superuser ?? false, expiresAt: flags.expires ?? null }, localPrincipal()));
      if (flags.json) return printJson(io, created);
      io.out(`${created.token}\n`);
      io.err(`created ${created.record.prefix} (${flags.superuser ? 'superuser' : `${flags.role} on ${flags.project}`}); the token above is shown only this once\n`);
    });

  tokens
    .command('list')
    .description('list tokens (never their secrets)')
    .option('--json', 'print as JSON')
    .action(async (flags: { json?: boolean }) => {
      const all = await withKiln(async (kiln) => {
        const out = [];
        let cursor: string | null = null;
        do {
          const page = await kiln.security.listTokens(localPrincipal(), { limit: 1000, cursor });
          out.push(...page.items);
          cursor = page.next;
        } while (cursor !== null);
        return out;
      });
      if (flags.json) return printJson(io, { tokens: all });
      io.out(
        renderTable(
          ['id', 'name', 'grants', 'created', 'expires', 'revoked', 'last used'],
          all.map((t) => [t.prefix, t.name, t.superuser ? 'superuser' : t.grants.map((g) => `${g.role}@${g.project}`).join(' '), t.createdAt, t.expiresAt ?? '', t.revokedAt ?? '', t.lastUsedAt ?? '']),
        ),
      );
    });

  tokens
    .command('revoke')
    .description('revoke a token')
    .argument('<id>', 'token id (the part after kiln_ in its prefix)')
    .option('--json', 'print as JSON')
    .action(async (id: string, flags: { json?: boolean }) => {
      const rec = await withKiln((kiln) => kiln.security.revokeToken(id.replace(/^kiln_/, ''), localPrincipal()));
      if (flags.json) return printJson(io, rec);
      io.out(`revoked ${rec.prefix}\n`);
    });
}
