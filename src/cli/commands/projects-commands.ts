/**
 * `kiln projects create | list`: every resource belongs to a project; `default` always exists.
 */
import type { Command } from 'commander';
import type { ProjectRecord } from '../../store/security-repository.js';
import { localPrincipal } from '../../security/local-principal.js';
import type { CliContext } from '../main.js';
import { printJson, renderTable } from '../output.js';
import { withKiln } from '../with-kiln.js';

/** Register the `projects` command group. */
export function registerProjectsCommands(program: Command, ctx: CliContext): void {
  const { io } = ctx;
  const projects = program.command('projects').description('create and list projects');

  projects
    .command('create')
    .description('create a project')
    .argument('<name>', '1-63 lowercase letters, digits, "_" or "-"')
    .option('--description <text>', 'what the project is for')
    .option('--json', 'print as JSON')
    .action(async (name: string, flags: { description?: string; json?: boolean }) => {
      const rec = await withKiln((kiln) => kiln.security.createProject(name, flags.description ?? null, localPrincipal()));
      if (flags.json) return printJson(io, rec);
      io.out(`created project ${rec.name}\n`);
    });

  projects
    .command('list')
    .description('list projects')
    .option('--json', 'print as JSON')
    .action(async (flags: { json?: boolean }) => {
      const all = await withKiln(async (kiln) => {
        const out: ProjectRecord[] = [];
        let cursor: string | null = null;
        do {
          const page = await kiln.security.listProjects({ limit: 1000, cursor });
          out.push(...page.items);
          cursor = page.next;
        } while (cursor !== null);
        return out;
      });
      if (flags.json) return printJson(io, { projects: all });
      io.out(renderTable(['name', 'description', 'created', 'by'], all.map((p) => [p.name, p.description ?? '', p.createdAt, p.createdBy])));
    });
}
