/**
 * `kiln runs list | show | compare | delete`: tracked runs. Thin over `kiln.tracking`; `--json` prints the
 * wire shapes of src/tracking/run-json.ts (non-finite metric values as "NaN", "Infinity", "-Infinity").
 */
import { rename, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { renderCompareHtml } from '../../tracking/compare-report.js';
import { comparisonJson, runSummaryJson, runViewJson } from '../../tracking/run-json.js';
import type { CliContext } from '../main.js';
import { printJson, renderTable } from '../output.js';
import { withKiln } from '../with-kiln.js';

/** Parses `--limit`: a positive integer (the page helper checks the upper bound). */
export function parseLimit(text: string): number {
  if (!/^\d+$/.test(text)) throw new UsageError(`--limit must be a positive integer (got '${text}')`, { field: 'limit' });
  return Number(text);
}

interface ListFlags {
  experiment?: string[];
  filter?: string;
  orderBy?: string;
  limit?: string;
  cursor?: string;
  json?: boolean;
}

/** Register `kiln runs`. */
export function registerRunsCommand(program: Command, ctx: CliContext): void {
  const runs = program.command('runs').description('tracked runs: list, show, compare, delete');
  runs
    .command('list')
    .description('search runs (newest first unless --order-by)')
    .option('--experiment <name>', 'only runs of this experiment (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--filter <query>', 'e.g. metrics.valid.roc_auc > 0.8 and params.algo = "gbdt" and status = "finished"')
    .option('--order-by <terms>', 'e.g. "metrics.valid.roc_auc desc, startedAt"')
    .option('--limit <n>', 'runs per page (1-1000)', '50')
    .option('--cursor <cursor>', 'the "next" of the previous page')
    .option('--json', 'print JSON')
    .action(async (flags: ListFlags) => {
      const page = await withKiln((kiln) =>
        kiln.tracking.searchRuns({ filter: flags.filter, orderBy: flags.orderBy, experiments: flags.experiment, page: { limit: parseLimit(flags.limit ?? '50'), cursor: flags.cursor ?? null } }),
      );
      if (flags.json) return printJson(ctx.io, { runs: page.items.map(runSummaryJson), next: page.next });
      const metricKeys = [...new Set(page.items.flatMap((r) => Object.keys(r.metrics)))].sort().slice(0, 4);
      ctx.io.out(
        renderTable(
          ['id', 'experiment', 'status', 'started', ...metricKeys],
          page.items.map((r) => [r.id, r.experiment, r.status, r.startedAt, ...metricKeys.map((k) => r.metrics[k])]),
        ),
      );
      if (page.next) ctx.io.out(`more: --cursor ${page.next}\n`);
    });
  runs
    .command('show <id>')
    .description('params, metric series, tags, artifacts, inputs, outputs and system facts of a run')
    .option('--json', 'print JSON')
    .action(async (id: string, flags: { json?: boolean }) => {
      const run = await withKiln((kiln) => kiln.tracking.getRun(id));
      if (flags.json) return printJson(ctx.io, runViewJson(run));
      const { io } = ctx;
      io.out(`run ${run.id}${run.name ? ` (${run.name})` : ''}  experiment ${run.experiment}  ${run.status}\n`);
      io.out(`started ${run.startedAt}  ended ${run.endedAt ?? '-'}${run.parentId ? `  parent ${run.parentId}` : ''}\n`);
      io.out(`system ${JSON.stringify(run.system)}\n\n`);
      const kv = (title: string, rec: Record<string, unknown>): void => {
        if (Object.keys(rec).length > 0) io.out(renderTable([title, 'value'], Object.entries(rec)) + '\n');
      };
      kv('param', run.params);
      io.out(renderTable(['metric', 'last', 'points'], Object.entries(run.metrics).map(([k, v]) => [k, v, run.series[k]?.length ?? 0])) + '\n');
      kv('tag', run.tags);
      if (run.artifacts.length > 0) io.out(renderTable(['artifact', 'hash', 'bytes'], run.artifacts.map((a) => [a.path, a.hash, a.size])) + '\n');
      if (run.inputs.length > 0) io.out(renderTable(['input', 'version', 'hash'], run.inputs.map((i) => [i.name, i.version, i.hash])) + '\n');
      if (run.outputs.length > 0) io.out(renderTable(['output', 'ref'], run.outputs.map((o) => [o.kind, o.ref])));
    });
  runs
    .command('compare <ids...>')
    .description('params and final metrics of runs side by side (differences marked); --html draws the metric curves')
    .option('--json', 'print JSON')
    .option('--html <file>', 'also write a standalone HTML report with the metric curves')
    .action(async (ids: string[], flags: { json?: boolean; html?: string }) => {
      const cmp = await withKiln((kiln) => kiln.tracking.compareRuns(ids));
      if (flags.html) {
        const tmp = `${flags.html}.${process.pid}.tmp`;
        await writeFile(tmp, renderCompareHtml(cmp));
        await rename(tmp, flags.html);
      }
      if (flags.json) return printJson(ctx.io, { ...comparisonJson(cmp), ...(flags.html ? { html: flags.html } : {}) });
      const head = ['', ...cmp.runs.map((r) => r.id.slice(0, 12))];
      ctx.io.out(renderTable(head, cmp.params.map((p) => [`${p.differs ? '≠ ' : '  '}params.${p.key}`, ...p.values])));
      ctx.io.out(renderTable(head, cmp.metrics.map((m) => [`${m.differs ? '≠ ' : '  '}metrics.${m.key}`, ...m.values])));
      if (flags.html) ctx.io.out(`\nHTML report: ${flags.html}\n`);
    });
  runs
    .command('delete <id>')
    .description('delete a run and everything logged to it (its artifacts become garbage for kiln gc)')
    .option('--json', 'print JSON')
    .action(async (id: string, flags: { json?: boolean }) => {
      await withKiln((kiln) => kiln.tracking.deleteRun(id));
      if (flags.json) return printJson(ctx.io, { deleted: id });
      ctx.io.out(`deleted run ${id}\n`);
    });
}
