/**
 * `kiln predict`: score a file or dataset version with a model bundle file or a registered model
 * (`NAME@VERSION`, `NAME@ALIAS`, `NAME@production`, `NAME@latest`), in chunks, writing CSV or Parquet.
 * Scoring a file with a bundle file never opens the store.
 */
import type { Command } from 'commander';
import type { CliContext } from '../main.js';
import { isOnnxModelFile, predictWithOnnx } from '../onnx-predict.js';
import { checkOutputs } from '../output-guard.js';
import { printJson } from '../output.js';
import { createProgress } from '../progress.js';
import { addReadOptions, readOptionsFrom } from '../read-options.js';
import type { RawReadFlags } from '../read-options.js';
import { resolveModelSource } from '../resolve-model.js';
import { resolveSource, withLazyKiln } from '../with-kiln.js';

interface PredictFlags extends RawReadFlags {
  model: string;
  data: string;
  out: string;
  onlyPredictions?: boolean;
  strictCategories?: boolean;
  columns?: string;
  json?: boolean;
}

/** Register `kiln predict`. */
export function registerPredictCommand(program: Command, ctx: CliContext): void {
  addReadOptions(
    program
      .command('predict')
      .description('score data with a model bundle and write predictions (.csv or .parquet)')
      .requiredOption('--model <bundle|ref>', 'model bundle written by `kiln train`, an .onnx model, or a registered model NAME@VERSION | NAME@ALIAS | NAME@production | NAME@latest')
      .requiredOption('--data <source>', 'data to score: file or NAME@VERSION')
      .requiredOption('--out <file>', 'output file (.csv or .parquet)')
      .option('--only-predictions', 'write only the prediction columns')
      .option('--strict-categories', 'fail (exit 2) on categories never seen in training instead of scoring them as missing')
      .option('--columns <names>', 'ONNX models reading one [batch, features] tensor: its column names, comma-separated')
      .option('--json', 'print a JSON summary'),
  ).action(async (flags: PredictFlags) => {
    if (await isOnnxModelFile(flags.model)) return predictWithOnnx(ctx, flags);
    const { io } = ctx;
    const { createScorer } = await import('../../runtime/scorer.js');
    const { writeScoredChunks } = await import('../../serving/batch-predict.js');
    const readOptions = readOptionsFrom(flags);
    const progress = createProgress(io, 'scoring');
    const summary = await withLazyKiln(async (kiln) => {
      const model = await resolveModelSource(kiln, flags.model);
      if (model.onnxFile !== undefined) return model;
      const scorer = createScorer(model.bundle, model.label);
      const resolved = await resolveSource(kiln, flags.data, readOptions);
      await checkOutputs([resolved.path, ...(model.file ? [model.file] : [])], [{ path: flags.out, flag: '--out' }]);
      const scored = await writeScoredChunks(scorer, resolved.path, resolved.readOptions, flags.out, {
        keepInputs: !flags.onlyPredictions,
        strictCategories: Boolean(flags.strictCategories),
        onProgress: (rows) => progress.update(rows),
      });
      return { ...scored, ...(model.ref ? { model: model.ref } : {}) };
    }).finally(() => progress.stop());
    if ('onnxFile' in summary) return predictWithOnnx(ctx, { ...flags, model: summary.onnxFile });
    if (flags.json) return printJson(io, summary);
    for (const [column, count] of Object.entries(summary.unseenCategories)) {
      io.err(`warning: ${count} row(s) have categories of "${column}" never seen in training; they were scored as missing values\n`);
    }
    io.out(`scored ${summary.rows} rows -> ${summary.out}\n`);
  });
}
