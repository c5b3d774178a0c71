/**
 * `kiln data lineage NAME@VERSION`: the runs and model versions built from a dataset version. Added to the
 * `data` group by its own registration so it stays out of data-commands.ts.
 */
import type { Command } from 'commander';
import type { CliContext } from '../main.js';
import { printJson, renderTable } from '../output.js';
import { withKiln } from '../with-kiln.js';

/** Add `lineage` to the `data` command group (registered by `registerDataCommands`). */
export function registerDataLineageCommand(program: Command, ctx: CliContext): void {
  const data = program.commands.find((c) => c.name() === 'data') ?? program.command('data');
  data
    .command('lineage')
    .description('runs and model versions built from a dataset version')
    .argument('<ref>', 'NAME@VERSION or NAME@latest')
    .option('--json', 'print as JSON')
    .action(async (ref: string, flags: { json?: boolean }) => {
      const l = await withKiln((kiln) => kiln.registry.datasetLineage(ref));
      if (flags.json) return printJson(ctx.io, l);
      ctx.io.out(`${l.dataset.name}@${l.dataset.version} (sha256 ${l.dataset.hash.slice(0, 12)}…)\n\nruns:\n`);
      ctx.io.out(l.runs.length ? renderTable(['run', 'experiment', 'status', 'started'], l.runs.map((r) => [r.id, r.experiment, r.status, r.startedAt])) : '  none\n');
      ctx.io.out('\nmodel versions:\n');
      ctx.io.out(l.modelVersions.length ? renderTable(['version', 'role', 'status', 'stage'], l.modelVersions.map((m) => [m.ref, m.role, m.status, m.stage])) : '  none\n');
    });
}
