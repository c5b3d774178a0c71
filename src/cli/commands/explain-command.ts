/**
 * `kiln explain`: explain a model bundle on data. `--method tree` (default) writes exact TreeSHAP
 * attributions per row (CONTRACT: `shap_<column>` for every signature input and `shap_base`, raw
 * output space, row sum == raw score); `kernel` does the same for any model with KernelSHAP;
 * `permutation` and `pdp` give global importance and partial dependence / ICE curves. `--html` writes
 * an offline report (summary beeswarm, dependence plots, waterfalls). Thin: the work is in ml/explain.
 */
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import type { CliContext } from '../main.js';
import { checkOutputs } from '../output-guard.js';
import { printJson, renderTable } from '../output.js';
import { addReadOptions, readOptionsFrom } from '../read-options.js';
import type { RawReadFlags } from '../read-options.js';
import { resolveBundleText } from '../resolve-model.js';
import { resolveSource, withLazyKiln } from '../with-kiln.js';

interface ExplainFlags extends RawReadFlags {
  model: string;
  data: string;
  rows?: string;
  method: string;
  out?: string;
  html?: string;
  json?: boolean;
  metric?: string;
  repeats?: string;
  seed?: string;
  columns?: string;
  grid?: string;
  ice?: boolean;
  class?: string;
  nsamples?: string;
  background?: string;
  backgroundSize?: string;
  waterfall?: string;
}

const METHODS = ['tree', 'kernel', 'permutation', 'pdp'] as const;

function positiveInt(flag: string, v: string | undefined, max = 1e9): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!/^[0-9]+$/.test(v.trim()) || !Number.isSafeInteger(n) || n < 1 || n > max) throw new UsageError(`${flag} must be a whole number from 1 to ${max} (got ${JSON.stringify(v)})`, { field: flag });
  return n;
}

/** Register `kiln explain`. */
export function registerExplainCommand(program: Command, ctx: CliContext): void {
  addReadOptions(
    program
      .command('explain')
      .description('explain a model: TreeSHAP / KernelSHAP attributions per row, permutation importance, partial dependence')
      .requiredOption('--model <ref>', 'model bundle written by `kiln train`, or a registered NAME@VERSION / NAME@ALIAS')
      .requiredOption('--data <source>', 'data to explain: file or NAME@VERSION')
      .option('--rows <n>', 'explain only the first N rows')
      .option('--method <method>', `tree | kernel | permutation | pdp`, 'tree')
      .option('--out <file>', 'write results (.csv or .parquet): attributions, importances or curves')
      .option('--html <file>', 'write an offline HTML report')
      .option('--json', 'print the results as JSON')
      .option('--metric <name>', 'permutation: metric (default accuracy for classifiers, r2 for regressors)')
      .option('--repeats <n>', 'permutation: shuffles per column (default 5)')
      .option('--seed <n>', 'seed for shuffles, background samples and coalitions (default 0)')
      .option('--columns <a,b,...>', 'pdp: columns to draw (default: every input)')
      .option('--grid <n>', 'pdp: grid points per numeric column (default 20)')
      .option('--ice', 'pdp: also compute per-row ICE curves')
      .option('--class <label>', 'multiclass kernel / pdp: the class to explain (default: the first label)')
      .option('--nsamples <n>', 'kernel: coalitions per row (default 2M + 2048)')
      .option('--background <kind>', 'kernel: background summary, sample | kmeans (default sample)')
      .option('--background-size <n>', 'kernel: background rows or clusters (default 50)')
      .option('--waterfall <i,j,...>', 'HTML report: rows (0-based) to draw waterfalls for (default 0,1,2)'),
  ).action(async (flags: ExplainFlags) => {
    const { io } = ctx;
    if (!(METHODS as readonly string[]).includes(flags.method)) throw new UsageError(`--method must be one of ${METHODS.join(', ')} (got ${JSON.stringify(flags.method)})`, { field: '--method' });
    const method = flags.method as (typeof METHODS)[number];
    if (flags.background !== undefined && flags.background !== 'sample' && flags.background !== 'kmeans') throw new UsageError('--background must be sample or kmeans', { field: '--background' });
    if (flags.html && method !== 'tree' && method !== 'kernel') throw new UsageError('--html draws attributions: use it with --method tree or kernel', { field: '--html' });
    const rowLimit = positiveInt('--rows', flags.rows);
    const seed = flags.seed === undefined ? 0 : Number(flags.seed);
    if (!Number.isSafeInteger(seed)) throw new UsageError(`--seed must be an integer (got ${JSON.stringify(flags.seed)})`, { field: '--seed' });
    const waterfall = (flags.waterfall ?? '0,1,2').split(',').map((s) => Number(s.trim()));
    if (waterfall.some((i) => !Number.isInteger(i) || i < 0)) throw new UsageError('--waterfall takes 0-based row numbers separated by commas', { field: '--waterfall' });
    const options = {
      method,
      seed,
      ...(flags.metric !== undefined ? { metric: flags.metric } : {}),
      ...(flags.repeats !== undefined ? { repeats: positiveInt('--repeats', flags.repeats, 1000) } : {}),
      ...(flags.columns !== undefined ? { columns: flags.columns.split(',').map((s) => s.trim()).filter((s) => s !== '') } : {}),
      ...(flags.grid !== undefined ? { gridResolution: positiveInt('--grid', flags.grid, 10_000) } : {}),
      ...(flags.ice ? { ice: true } : {}),
      ...(flags.class !== undefined ? { classLabel: flags.class } : {}),
      ...(flags.nsamples !== undefined ? { nsamples: positiveInt('--nsamples', flags.nsamples, 1e7) } : {}),
      ...(flags.background !== undefined ? { background: flags.background as 'sample' | 'kmeans' } : {}),
      ...(flags.backgroundSize !== undefined ? { backgroundSize: positiveInt('--background-size', flags.backgroundSize, 100_000) } : {}),
    };
    const { createScorer } = await import('../../runtime/scorer.js');
    const { explainModel, attributionFrame } = await import('../../ml/explain/index.js');
    const { readFrame } = await import('../../data/io/read-frame.js');
    const { writeFrame } = await import('../../data/io/write-frame.js');
    const { explainTables } = await import('../explain-output.js');
    const readOptions = readOptionsFrom(flags);
    let modelLabel = flags.model;
    const { result, rows } = await withLazyKiln(async (kiln) => {
      const model = await resolveBundleText(kiln, flags.model, 'kiln explain');
      modelLabel = model.label;
      const scorer = createScorer(model.text, model.label);
      const resolved = await resolveSource(kiln, flags.data, readOptions);
      const outputs = [flags.out && { path: flags.out, flag: '--out' }, flags.html && { path: flags.html, flag: '--html' }].filter((o): o is { path: string; flag: string } => Boolean(o));
      await checkOutputs([resolved.path, ...(model.file !== undefined ? [model.file] : [])], outputs);
      const all = await readFrame(resolved.path, resolved.readOptions);
      const rows = rowLimit !== undefined && rowLimit < all.rowCount ? all.slice(0, rowLimit) : all;
      return { result: explainModel(scorer, rows, options, all), rows };
    });
    const tables = explainTables(result);
    if (flags.out) await writeFrame(result.method === 'tree' || result.method === 'kernel' ? attributionFrame(result.attributions) : tables.frame, flags.out);
    if (flags.html && (result.method === 'tree' || result.method === 'kernel')) {
      const { writeFileAtomic } = await import('../../data/io/temp-space.js');
      const { renderExplainHtml } = await import('../explain-report-html.js');
      await writeFileAtomic(flags.html, renderExplainHtml(result, rows, { model: modelLabel, waterfallRows: waterfall }));
    }
    if (flags.json) return printJson(io, { ...tables.json, ...(flags.out ? { out: flags.out } : {}), ...(flags.html ? { html: flags.html } : {}) });
    for (const note of result.notes) io.err(`note: ${note}\n`);
    io.out(renderTable(tables.headers, tables.rows));
    if (flags.out) io.out(`wrote ${flags.out}\n`);
    if (flags.html) io.out(`wrote ${flags.html}\n`);
  });
}
