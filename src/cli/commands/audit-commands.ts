/**
 * `kiln audit list | verify | export`: the tamper-evident audit log. `verify` walks the hash chain and
 * exits 1 naming the first entry that was edited, deleted or reordered; `export` writes NDJSON.
 */
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { once } from 'node:events';
import type { Command } from 'commander';
import { parseResourceFilter, parseSince } from '../../security/audit-filter.js';
import type { AuditEntryRecord, AuditFilter } from '../../store/security-repository.js';
import type { CliContext } from '../main.js';
import { printJson, renderTable } from '../output.js';
import { withKiln } from '../with-kiln.js';

interface ListFlags {
  resource?: string;
  model?: string;
  actor?: string;
  since?: string;
  project?: string;
  limit: string;
  json?: boolean;
}

/** Register the `audit` command group. */
export function registerAuditCommands(program: Command, ctx: CliContext): void {
  const { io } = ctx;
  const audit = program.command('audit').description('list, verify and export the audit log');

  audit
    .command('list')
    .description('audit entries, newest first')
    .option('--resource <type[:id]>', 'only this resource type (datasets, tokens, ...) or one resource (datasets:churn@1)')
    .option('--model <name>', 'only entries about this registered model (same as --resource models:NAME)')
    .option('--actor <actor>', 'only this actor (token:<id>, oidc:<sub>, local:<user>)')
    .option('--since <time>', 'only entries at or after this ISO-8601 time')
    .option('--project <project>', 'only this project')
    .option('--limit <n>', 'at most this many entries', '100')
    .option('--json', 'print as JSON')
    .action(async (flags: ListFlags) => {
      const limit = Number(flags.limit);
      const filter: AuditFilter = {
        ...parseResourceFilter(flags.model !== undefined ? `models:${flags.model}` : flags.resource),
        ...(flags.actor ? { actor: flags.actor } : {}),
        ...(flags.since ? { since: parseSince(flags.since) } : {}),
        ...(flags.project ? { project: flags.project } : {}),
      };
      const page = await withKiln((kiln) => kiln.security.listAudit(filter, { limit }));
      if (flags.json) return printJson(io, { entries: page.items, next: page.next });
      io.out(renderTable(['seq', 'at', 'actor', 'action', 'resource', 'project'], page.items.map((e: AuditEntryRecord) => [e.seq, e.at, e.actor, e.action, `${e.resourceType}:${e.resourceId}`, e.project])));
    });

  audit
    .command('verify')
    .description('check the hash chain (exit 1 and name the first broken entry)')
    .option('--json', 'print as JSON')
    .action(async (flags: { json?: boolean }) => {
      const result = await withKiln((kiln) => kiln.security.verifyAudit());
      ctx.exitCode = result.ok ? 0 : 1;
      if (flags.json) return printJson(io, result);
      if (result.ok) io.out(`audit log intact: ${result.entries} entries verified\n`);
      else io.out(`audit log BROKEN at entry ${result.brokenAt?.seq ?? '?'}: ${result.brokenAt?.reason ?? ''}\n`);
    });

  audit
    .command('export')
    .description('every entry, oldest first, as NDJSON (stdout or --out FILE)')
    .option('--out <file>', 'write to this file (atomically) instead of stdout')
    .action(async (flags: { out?: string }) => {
      await withKiln(async (kiln) => {
        if (!flags.out) {
          for await (const line of kiln.security.exportAudit()) io.out(line);
          return;
        }
        const tmp = `${flags.out}.tmp-${process.pid}`;
        const stream = createWriteStream(tmp, { mode: 0o600 });
        try {
          let n = 0;
          for await (const line of kiln.security.exportAudit()) {
            n++;
            if (!stream.write(line)) await once(stream, 'drain');
          }
          stream.end();
          await once(stream, 'finish');
          await rename(tmp, flags.out);
          io.err(`exported ${n} entries to ${flags.out}\n`);
        } catch (err) {
          stream.destroy();
          await rm(tmp, { force: true });
          throw err;
        }
      });
    });
}
