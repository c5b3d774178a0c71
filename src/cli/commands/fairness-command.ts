/**
 * `kiln fairness`: SageMaker Clarify's bias metrics for one facet of a dataset: pre-training metrics on
 * the labels, and with `--model` the post-training metrics on the model's predicted labels. Metric
 * definitions: docs/fairness.md. Thin: the work is in ml/fairness.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { NotFoundError } from '../../core/errors.js';
import type { CliContext } from '../main.js';
import { checkOutputs } from '../output-guard.js';
import { printJson, renderTable } from '../output.js';
import { addReadOptions, readOptionsFrom } from '../read-options.js';
import type { RawReadFlags } from '../read-options.js';
import { resolveSource, withLazyKiln } from '../with-kiln.js';

interface FairnessFlags extends RawReadFlags {
  data: string;
  label: string;
  facet: string;
  facetValue?: string;
  model?: string;
  positiveLabel?: string;
  group?: string;
  json?: boolean;
  html?: string;
}

/** JSON cannot carry infinities: Clarify writes them as "inf" / "-inf"; NaN (not computable) is null. */
export function metricJson(m: Record<string, number>): Record<string, number | string | null> {
  return Object.fromEntries(Object.entries(m).map(([k, v]) => [k, Number.isNaN(v) ? null : v === Infinity ? 'inf' : v === -Infinity ? '-inf' : v]));
}

/** Register `kiln fairness`. */
export function registerFairnessCommand(program: Command, ctx: CliContext): void {
  addReadOptions(
    program
      .command('fairness')
      .description("bias metrics of data and a model for one facet (SageMaker Clarify's pre- and post-training metrics)")
      .requiredOption('--data <source>', 'labelled data: file or NAME@VERSION')
      .requiredOption('--label <column>', 'the observed outcome column')
      .requiredOption('--facet <column>', 'the column that defines the sensitive group')
      .option('--facet-value <v>', 'sensitive value(s), comma-separated, or a threshold for a numeric facet (rows above it); default: the rarest value')
      .option('--model <ref>', 'model bundle: adds the post-training metrics on its predicted labels')
      .option('--positive-label <v>', 'positive outcome value(s), or a threshold for a numeric label; default: true / the second of two labels')
      .option('--group <column>', 'group column for the conditional demographic disparities (CDDL, CDDPL)')
      .option('--json', 'print the report as JSON')
      .option('--html <file>', 'write an offline HTML report'),
  ).action(async (flags: FairnessFlags) => {
    const { io } = ctx;
    let scorerText: string | undefined;
    if (flags.model !== undefined) {
      try {
        scorerText = await readFile(flags.model, 'utf8');
      } catch {
        throw new NotFoundError(`model bundle not found: ${flags.model}`, { file: flags.model }, 'Pass the file written by `kiln train --out`.');
      }
    }
    const { createScorer } = await import('../../runtime/scorer.js');
    const { fairnessReport } = await import('../../ml/fairness/fairness-report.js');
    const { readFrame } = await import('../../data/io/read-frame.js');
    const scorer = scorerText !== undefined ? createScorer(scorerText, flags.model) : undefined;
    const readOptions = readOptionsFrom(flags);
    const report = await withLazyKiln(async (kiln) => {
      const resolved = await resolveSource(kiln, flags.data, readOptions);
      await checkOutputs([resolved.path, ...(flags.model ? [flags.model] : [])], flags.html ? [{ path: flags.html, flag: '--html' }] : []);
      const frame = await readFrame(resolved.path, resolved.readOptions);
      return fairnessReport(
        frame,
        {
          label: flags.label,
          facet: flags.facet,
          ...(flags.facetValue !== undefined ? { facetValue: flags.facetValue } : {}),
          ...(flags.positiveLabel !== undefined ? { positiveLabel: flags.positiveLabel } : {}),
          ...(flags.group !== undefined ? { group: flags.group } : {}),
        },
        scorer,
      );
    });
    if (flags.html) {
      const { writeFileAtomic } = await import('../../data/io/temp-space.js');
      const { renderFairnessHtml } = await import('../fairness-report-html.js');
      await writeFileAtomic(flags.html, renderFairnessHtml(report, { data: flags.data, ...(flags.model ? { model: flags.model } : {}) }));
    }
    if (flags.json) {
      return printJson(io, {
        ...report,
        preTraining: metricJson(report.preTraining),
        ...(report.postTraining ? { postTraining: metricJson(report.postTraining) } : {}),
        ...(flags.html ? { html: flags.html } : {}),
      });
    }
    for (const note of report.notes) io.err(`note: ${note}\n`);
    io.out(`facet ${report.facet.column} ${report.facet.sensitive}: ${report.facet.rowsD} rows (d) vs ${report.facet.rowsA} (a); positive label ${report.label.column} ${report.label.positive}\n`);
    const rows = [...Object.entries(report.preTraining).map(([k, v]) => ['pre-training', k, v]), ...Object.entries(report.postTraining ?? {}).map(([k, v]) => ['post-training', k, v])];
    io.out(renderTable(['stage', 'metric', 'value'], rows));
    if (flags.html) io.out(`wrote ${flags.html}\n`);
  });
}
