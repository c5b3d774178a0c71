/**
 * `kiln monitor create|list|show|run|results|report|delete` and `kiln monitor baseline|baselines`: monitors on
 * endpoints, thin over `kiln.monitors` (the same service as `/v1/monitors`). `--json` everywhere; flags map
 * to the service's fields in one place (`createInput`), so errors name the flag. Modules that read data load
 * inside the actions.
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import type { MonitorRunSummary } from '../../monitoring/monitor-run.js';
import type { CreateMonitorInput } from '../../monitoring/monitors/monitor-spec.js';
import type { CliContext } from '../main.js';
import { printJson, renderTable } from '../output.js';
import { withKiln } from '../with-kiln.js';
import { parseLimit } from './runs-command.js';

interface CreateFlags {
  endpoint: string;
  baseline?: string;
  schedule?: string;
  window?: string;
  checks?: string;
  threshold?: string[];
  test?: string[];
  labelDelay?: string;
  suite?: string;
  estimateReference?: string;
  detector?: string;
  json?: boolean;
}

function pairs(values: readonly string[] | undefined, flag: string): [string, string][] {
  return (values ?? []).map((v) => {
    const i = v.lastIndexOf('=');
    if (i <= 0 || i === v.length - 1) throw new UsageError(`${flag} takes NAME=VALUE, got "${v}"`, { field: flag.replace(/^--/, '') });
    return [v.slice(0, i), v.slice(i + 1)];
  });
}

/** Flags to the service's create input; bad values name the flag. */
async function createInput(name: string, f: CreateFlags): Promise<CreateMonitorInput> {
  const thresholds: Record<string, number> = {};
  for (const [k, v] of pairs(f.threshold, '--threshold')) {
    const x = Number(v);
    if (!Number.isFinite(x)) throw new UsageError(`--threshold ${k} must be a number, got "${v}"`, { field: 'threshold' });
    thresholds[k] = x;
  }
  let suite: unknown;
  if (f.suite !== undefined) {
    try {
      suite = JSON.parse(await readFile(f.suite, 'utf8')) as unknown;
    } catch (err) {
      throw new UsageError(`--suite ${f.suite}: ${err instanceof Error ? err.message : String(err)}`, { field: 'suite' });
    }
  }
  return {
    name,
    endpoint: f.endpoint,
    ...(f.baseline !== undefined ? { baseline: f.baseline } : {}),
    ...(f.schedule !== undefined ? { schedule: f.schedule } : {}),
    ...(f.window !== undefined ? { window: f.window } : {}),
    ...(f.checks !== undefined ? { checks: f.checks.split(',').map((c) => c.trim()).filter((c) => c !== '') } : {}),
    ...(f.threshold ? { thresholds } : {}),
    ...(f.test ? { tests: Object.fromEntries(pairs(f.test, '--test')) } : {}),
    ...(f.labelDelay !== undefined ? { labelDelay: f.labelDelay } : {}),
    ...(suite !== undefined ? { suite } : {}),
    ...(f.estimateReference !== undefined ? { estimateReference: f.estimateReference } : {}),
    ...(f.detector !== undefined ? { conceptDetector: f.detector } : {}),
  };
}

function printRun(ctx: CliContext, run: MonitorRunSummary): void {
  ctx.io.out(`monitor ${run.monitor} on ${run.endpoint}: ${run.status.toUpperCase()} (run ${run.runId}, window [${run.windowStart}, ${run.windowEnd}))\n`);
  if (run.points.length > 0) ctx.io.out(renderTable(['check', 'metric', 'column', 'value', 'drift'], run.points.map((p) => [p.check, p.metric, p.column ?? '', p.value, p.drifted === undefined ? '' : p.drifted ? 'DRIFT' : 'no'])));
  for (const n of run.notes) ctx.io.out(`note: ${n}\n`);
}

/** Register the monitor subcommands on `kiln monitor`. */
export function registerMonitorCommands(monitor: Command, ctx: CliContext): void {
  monitor
    .command('create <name>')
    .description('create a monitor on an endpoint')
    .requiredOption('--endpoint <name>', 'the endpoint whose captured traffic is checked')
    .option('--baseline <name[@version]>', 'a stored baseline (default: the endpoint model\'s training statistics)')
    .option('--schedule <cron>', "five-field cron (UTC), e.g. '*/15 * * * *'; runs are jobs (kiln server / kiln worker)")
    .option('--window <duration>', 'captured traffic each run looks at, e.g. 15m, 1h, 1d (default 1h)')
    .option('--checks <list>', 'comma-separated: drift, data_quality, quality (= performance), operational, estimate (CBPE), concept (default: drift,data_quality,quality,operational)')
    .option('--threshold <name=value...>', 'drift_share=SHARE (dataset drift) or COLUMN=VALUE (that column\'s drift threshold)')
    .option('--test <column=test...>', 'the drift test of a column: ks, chisquare, z, wasserstein, jensenshannon, psi, kl_div, hellinger')
    .option('--label-delay <duration>', 'how long labels take to arrive; quality scores the window shifted back by it (default 0s)')
    .option('--suite <file>', 'an expectation suite (JSON) each window is validated against')
    .option('--estimate-reference <duration>', 'labelled traffic before the window that estimate calibrates on (default 7d)')
    .option('--detector <name>', 'the concept check\'s detector: adwin (default), ddm, page_hinkley')
    .option('--json', 'print JSON')
    .action(async (name: string, flags: CreateFlags) => {
      const input = await createInput(name, flags);
      const m = await withKiln((kiln) => kiln.monitors.create(input));
      if (flags.json) return printJson(ctx.io, m);
      ctx.io.out(`created monitor ${m.project}/${m.name} on ${m.endpoint}: checks ${m.spec.checks.join(', ')}, window ${m.spec.window}, ${m.spec.schedule ? `schedule '${m.spec.schedule}' (UTC)` : 'no schedule (run with `kiln monitor run`)'}\n`);
    });
  monitor
    .command('list')
    .description('monitors of a project by name')
    .option('--limit <n>', 'monitors per page (1-1000)', '100')
    .option('--cursor <cursor>', 'the "next" of the previous page')
    .option('--json', 'print JSON')
    .action(async (flags: { limit: string; cursor?: string; json?: boolean }) => {
      const page = await withKiln((kiln) => kiln.monitors.list({ limit: parseLimit(flags.limit), cursor: flags.cursor ?? null }));
      if (flags.json) return printJson(ctx.io, { monitors: page.items, next: page.next });
      ctx.io.out(renderTable(['name', 'endpoint', 'checks', 'window', 'schedule', 'baseline'], page.items.map((m) => [m.name, m.endpoint, m.spec.checks.join(','), m.spec.window, m.spec.schedule ?? '', m.spec.baseline ? `${m.spec.baseline.name}${m.spec.baseline.version ? `@${m.spec.baseline.version}` : ''}` : '(model)'])));
      if (page.next) ctx.io.out(`more: --cursor ${page.next}\n`);
    });
  monitor
    .command('show <name>')
    .description('one monitor with its latest runs')
    .option('--runs <n>', 'latest runs shown (1-1000)', '5')
    .option('--json', 'print JSON')
    .action(async (name: string, flags: { runs: string; json?: boolean }) => {
      const { m, runs } = await withKiln(async (kiln) => ({ m: await kiln.monitors.get(name), runs: await kiln.monitors.recentRuns(name, parseLimit(flags.runs)) }));
      if (flags.json) return printJson(ctx.io, { ...m, runs });
      ctx.io.out(`monitor ${m.project}/${m.name} on ${m.endpoint}\n${JSON.stringify(m.spec, null, 2)}\n`);
      ctx.io.out(renderTable(['run', 'at', 'status', 'points', 'drift_share'], runs.map((r) => [r.runId, r.at, r.status, r.points.length, r.points.find((p) => p.metric === 'drift_share')?.value ?? ''])));
    });
  monitor
    .command('run <name>')
    .description('run a monitor now and store the result')
    .option('--at <time>', 'end of the window (ISO-8601 or epoch ms; default now)')
    .option('--json', 'print JSON')
    .action(async (name: string, flags: { at?: string; json?: boolean }) => {
      const run = await withKiln((kiln) => kiln.monitors.run(name, flags.at !== undefined ? { at: /^\d+$/.test(flags.at) ? Number(flags.at) : flags.at } : {}));
      if (flags.json) return printJson(ctx.io, run);
      printRun(ctx, run);
    });
  monitor
    .command('results <name>')
    .description('stored result points of a monitor as a time series')
    .option('--check <check>', 'only this check')
    .option('--metric <metric>', 'only this metric (drift_share, psi, accuracy, p99_ms, ...)')
    .option('--column <column>', 'only this column ("-" for monitor-wide points)')
    .option('--from <time>', 'runs at or after (ISO-8601)')
    .option('--to <time>', 'runs before (ISO-8601)')
    .option('--limit <n>', 'newest points kept (1-10000)', '1000')
    .option('--json', 'print JSON')
    .action(async (name: string, flags: { check?: string; metric?: string; column?: string; from?: string; to?: string; limit: string; json?: boolean }) => {
      const { isoOf } = await import('../../monitoring/monitors/monitor-spec.js');
      const limit = Number(flags.limit);
      const points = await withKiln((kiln) =>
        kiln.monitors.results({
          monitor: name,
          ...(flags.check !== undefined ? { check: flags.check } : {}),
          ...(flags.metric !== undefined ? { metric: flags.metric } : {}),
          ...(flags.column !== undefined ? { column: flags.column === '-' ? null : flags.column } : {}),
          ...(flags.from !== undefined ? { from: isoOf(flags.from, 'from') } : {}),
          ...(flags.to !== undefined ? { to: isoOf(flags.to, 'to') } : {}),
          limit,
        }),
      );
      if (flags.json) return printJson(ctx.io, { points });
      ctx.io.out(renderTable(['at', 'check', 'metric', 'column', 'value', 'drift'], points.map((p) => [p.at, p.check, p.metric, p.column ?? '', p.value, p.drifted === undefined ? '' : p.drifted ? 'DRIFT' : 'no'])));
    });
  monitor
    .command('report <name>')
    .description('the monitor report: each statistic over time, drift overlays of the newest window, alerts and actions (offline HTML and JSON)')
    .option('--html <file>', 'write the offline HTML dashboard to FILE')
    .option('--runs <n>', 'newest runs included (1-5000)', '500')
    .option('--json', 'print the report JSON (docs/specs/monitor-report.md)')
    .action(async (name: string, flags: { html?: string; runs: string; json?: boolean }) => {
      const runs = Number(flags.runs);
      if (!Number.isInteger(runs) || runs < 1 || runs > 5000) throw new UsageError(`--runs must be an integer from 1 to 5000, got "${flags.runs}"`, { field: 'runs' });
      const { buildMonitorReport } = await import('../../monitoring/monitors/monitor-report-builder.js');
      const { monitorReportJson, renderMonitorReportHtml } = await import('../../monitoring/report/index.js');
      const input = await withKiln((kiln) => buildMonitorReport(kiln.monitors, kiln.alerts, name, { runs }));
      if (flags.html) {
        const { writeFileAtomic } = await import('../../data/io/temp-space.js');
        await writeFileAtomic(flags.html, renderMonitorReportHtml(input));
      }
      const report = monitorReportJson(input);
      if (flags.json) return printJson(ctx.io, report);
      ctx.io.out(`monitor ${name} on ${report.endpoint ?? '?'}: ${report.runs.total} runs (${report.runs.ok} ok, ${report.runs.empty} empty, ${report.runs.failed} failed), ${report.series.length} series, ${report.timeline.length} alert/action events\n`);
      if (flags.html) ctx.io.out(`HTML report: ${flags.html}\n`);
    });
  monitor
    .command('delete <name>')
    .description('delete a monitor with its runs and results')
    .option('--json', 'print JSON')
    .action(async (name: string, flags: { json?: boolean }) => {
      const out = await withKiln((kiln) => kiln.monitors.delete(name));
      if (flags.json) return printJson(ctx.io, out);
      ctx.io.out(`deleted monitor ${name}\n`);
    });
  monitor
    .command('baseline <name>')
    .description('store a new version of a baseline from a model, a dataset version or a capture window')
    .option('--model <ref>', "a model's training statistics: NAME@VERSION, NAME@ALIAS, trained:ID or a bundle file")
    .option('--dataset <name@version>', 'a registered dataset version')
    .option('--endpoint <name>', 'a window of this endpoint\'s captured traffic (with --from/--to)')
    .option('--from <time>', 'capture window start (ISO-8601)')
    .option('--to <time>', 'capture window end (ISO-8601)')
    .option('--json', 'print JSON')
    .action(async (name: string, flags: { model?: string; dataset?: string; endpoint?: string; from?: string; to?: string; json?: boolean }) => {
      const model = flags.model !== undefined && (flags.model.includes('/') || flags.model.endsWith('.json')) && !isAbsolute(flags.model) ? resolve(flags.model) : flags.model;
      const input = {
        name,
        ...(model !== undefined ? { model } : {}),
        ...(flags.dataset !== undefined ? { dataset: flags.dataset } : {}),
        ...(flags.endpoint !== undefined ? { capture: { endpoint: flags.endpoint, ...(flags.from !== undefined ? { from: flags.from } : {}), ...(flags.to !== undefined ? { to: flags.to } : {}) } } : {}),
      };
      if (flags.endpoint === undefined && (flags.from !== undefined || flags.to !== undefined)) throw new UsageError('--from and --to need --endpoint', { field: 'endpoint' });
      const b = await withKiln((kiln) => kiln.monitors.baselines.create(input, { allowFiles: true }));
      if (flags.json) return printJson(ctx.io, b);
      ctx.io.out(`stored baseline ${b.name}@${b.version} from ${b.sourceKind} ${b.source}: ${b.rows} rows, columns ${b.columns.join(', ')}\n`);
    });
  monitor
    .command('baselines')
    .description('baselines of a project (latest version of each)')
    .option('--limit <n>', 'baselines per page (1-1000)', '100')
    .option('--cursor <cursor>', 'the "next" of the previous page')
    .option('--json', 'print JSON')
    .action(async (flags: { limit: string; cursor?: string; json?: boolean }) => {
      const page = await withKiln((kiln) => kiln.monitors.baselines.list({ limit: parseLimit(flags.limit), cursor: flags.cursor ?? null }));
      if (flags.json) return printJson(ctx.io, { baselines: page.items, next: page.next });
      ctx.io.out(renderTable(['name', 'version', 'source', 'rows', 'created'], page.items.map((b) => [b.name, b.version, `${b.sourceKind} ${b.source}`, b.rows, b.createdAt])));
      if (page.next) ctx.io.out(`more: --cursor ${page.next}\n`);
    });
}
