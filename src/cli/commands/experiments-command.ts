/** `kiln experiments list | create NAME`: tracking experiments. Thin over `kiln.tracking`. */
import type { Command } from 'commander';
import type { CliContext } from '../main.js';
import { printJson, renderTable } from '../output.js';
import { withKiln } from '../with-kiln.js';
import { parseLimit } from './runs-command.js';

/** Register `kiln experiments`. */
export function registerExperimentsCommand(program: Command, ctx: CliContext): void {
  const experiments = program.command('experiments').description('tracking experiments: list, create');
  experiments
    .command('list')
    .description('experiments by name')
    .option('--limit <n>', 'experiments per page (1-1000)', '100')
    .option('--cursor <cursor>', 'the "next" of the previous page')
    .option('--json', 'print JSON')
    .action(async (flags: { limit: string; cursor?: string; json?: boolean }) => {
      const page = await withKiln((kiln) => kiln.tracking.listExperiments({ limit: parseLimit(flags.limit), cursor: flags.cursor ?? null }));
      if (flags.json) return printJson(ctx.io, { experiments: page.items, next: page.next });
      ctx.io.out(renderTable(['name', 'id', 'created', 'description'], page.items.map((e) => [e.name, e.id, e.createdAt, e.description])));
      if (page.next) ctx.io.out(`more: --cursor ${page.next}\n`);
    });
  experiments
    .command('create <name>')
    .description('create an experiment (runs also create theirs on first use)')
    .option('--description <text>', 'what the experiment is for')
    .option('--json', 'print JSON')
    .action(async (name: string, flags: { description?: string; json?: boolean }) => {
      const e = await withKiln((kiln) => kiln.tracking.createExperiment(name, flags.description));
      if (flags.json) return printJson(ctx.io, e);
      ctx.io.out(`created experiment ${e.name} (${e.id})\n`);
    });
}
