/**
 * `kiln monitor drift --reference SRC --current SRC`: the ad-hoc drift report between two sources (files or
 * NAME@VERSION), as a table, JSON (`--json`) or an offline HTML page (`--html FILE`). Exit 0 whether or not
 * the data drifted; `--fail-on-drift` exits 1 on dataset drift (for CI pipelines). The monitor subcommands
 * on endpoints are in `monitor-commands.ts`.
 */
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import type { CliContext } from '../main.js';
import { checkOutputs } from '../output-guard.js';
import { printJson, renderTable } from '../output.js';
import { addReadOptions, readOptionsFrom } from '../read-options.js';
import type { RawReadFlags } from '../read-options.js';
import { resolveSource, withLazyKiln } from '../with-kiln.js';
import { registerMonitorCommands } from './monitor-commands.js';

interface DriftFlags extends RawReadFlags {
  reference: string;
  current: string;
  columns?: string;
  test?: string[];
  threshold?: string[];
  datasetDriftShare?: string;
  json?: boolean;
  html?: string;
  failOnDrift?: boolean;
}

function pairs(values: readonly string[] | undefined, flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values ?? []) {
    const i = v.lastIndexOf('=');
    if (i <= 0 || i === v.length - 1) throw new UsageError(`${flag} takes COLUMN=VALUE, got "${v}"`, { field: flag.replace(/^--/, '') });
    out[v.slice(0, i)] = v.slice(i + 1);
  }
  return out;
}

function numberIn(text: string, flag: string, lo: number, hi: number): number {
  const x = Number(text);
  if (text.trim() === '' || !Number.isFinite(x) || x < lo || x > hi) throw new UsageError(`${flag} must be a number from ${lo} to ${hi}, got "${text}"`, { field: flag.replace(/^--/, '') });
  return x;
}

/** Register `kiln monitor`. */
export function registerMonitorCommand(program: Command, ctx: CliContext): void {
  const monitor = program.command('monitor').description('monitors on endpoints (create, list, show, run, results, delete, baselines) and ad-hoc drift reports');
  registerMonitorCommands(monitor, ctx);
  addReadOptions(
    monitor
      .command('drift')
      .description('compare two datasets column by column with the default drift test per column')
      .requiredOption('--reference <source>', 'reference data: file or NAME@VERSION')
      .requiredOption('--current <source>', 'current data: file or NAME@VERSION')
      .option('--columns <names>', 'comma-separated columns to compare (default: all)')
      .option('--test <column=test...>', 'override the test of a column: ks, chisquare, z, wasserstein, jensenshannon, psi, kl_div, hellinger')
      .option('--threshold <column=value...>', 'override the threshold of a column')
      .option('--dataset-drift-share <share>', 'share of drifted columns that means dataset drift (default 0.5)')
      .option('--json', 'print the report as JSON')
      .option('--html <file>', 'also write an offline HTML report')
      .option('--fail-on-drift', 'exit 1 when the dataset drifted'),
  ).action(async (flags: DriftFlags) => {
    const readOptions = readOptionsFrom(flags);
    const thresholds = Object.fromEntries(Object.entries(pairs(flags.threshold, '--threshold')).map(([k, v]) => [k, numberIn(v, '--threshold', 0, Number.MAX_VALUE)]));
    const options = {
      columns: flags.columns?.split(',').map((c) => c.trim()).filter((c) => c !== ''),
      tests: pairs(flags.test, '--test'),
      thresholds,
      datasetDriftShare: flags.datasetDriftShare === undefined ? undefined : numberIn(flags.datasetDriftShare, '--dataset-drift-share', 0, 1),
    };
    // Heavy modules (DuckDB, the statistics) load only when the command runs; files never open the store.
    const { driftBetweenSources } = await import('../../monitoring/drift/drift-sources.js');
    const report = await withLazyKiln(async (kiln) => {
      const reference = await resolveSource(kiln, flags.reference, readOptions);
      const current = await resolveSource(kiln, flags.current, readOptions);
      await checkOutputs([reference.path, current.path], flags.html !== undefined ? [{ path: flags.html, flag: '--html' }] : []);
      return driftBetweenSources(reference, current, options);
    });
    if (flags.html) {
      const { renderDriftHtml } = await import('../../monitoring/drift/render-drift-html.js');
      const { writeFileAtomic } = await import('../../data/io/temp-space.js');
      await writeFileAtomic(flags.html, renderDriftHtml(report, { title: `Drift: ${flags.current} vs ${flags.reference}` }));
    }
    if (flags.failOnDrift && report.datasetDrift) ctx.exitCode = 1;
    if (flags.json) return printJson(ctx.io, report);
    ctx.io.out(`${report.datasetDrift ? 'DATASET DRIFT' : 'no dataset drift'}: ${report.driftedColumns} of ${report.columns.length} columns drifted (share ${report.driftShare.toFixed(3)}, threshold ${report.datasetDriftShare})\n\n`);
    ctx.io.out(
      renderTable(
        ['column', 'kind', 'test', 'statistic', 'p-value', 'threshold', 'drift'],
        [...report.columns].sort((a, b) => Number(b.drifted) - Number(a.drifted)).map((c) => [c.column, c.kind, c.test, c.statistic, c.pValue, c.threshold, c.drifted ? 'DRIFT' : 'no']),
      ),
    );
    for (const s of report.skipped) ctx.io.out(`skipped ${s.column}: ${s.reason}\n`);
    if (flags.html) ctx.io.out(`\nHTML report: ${flags.html}\n`);
  });
}
