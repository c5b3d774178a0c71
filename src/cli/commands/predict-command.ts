/**
 * `kiln predict`: score a file or dataset version with a model bundle, in chunks, writing CSV or
 * Parquet. Scoring a file with a bundle file never opens the store.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { NotFoundError } from '../../core/errors.js';
import type { CliContext } from '../main.js';
import { isOnnxModelFile, predictWithOnnx } from '../onnx-predict.js';
import { checkOutputs } from '../output-guard.js';
import { printJson } from '../output.js';
import { createProgress } from '../progress.js';
import { addReadOptions, readOptionsFrom } from '../read-options.js';
import type { RawReadFlags } from '../read-options.js';
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
      .requiredOption('--model <file>', 'model bundle written by `kiln train`, or an .onnx model')
      .requiredOption('--data <source>', 'data to score: file or NAME@VERSION')
      .requiredOption('--out <file>', 'output file (.csv or .parquet)')
      .option('--only-predictions', 'write only the prediction columns')
      .option('--strict-categories', 'fail (exit 2) on categories never seen in training instead of scoring them as missing')
      .option('--columns <names>', 'ONNX models reading one [batch, features] tensor: its column names, comma-separated')
      .option('--json', 'print a JSON summary'),
  ).action(async (flags: PredictFlags) => {
    if (await isOnnxModelFile(flags.model)) return predictWithOnnx(ctx, flags);
    const { io } = ctx;
    let text: string;
    try {
      text = await readFile(flags.model, 'utf8');
    } catch {
      throw new NotFoundError(`model bundle not found: ${flags.model}`, { file: flags.model }, 'Pass the file written by `kiln train --out`.');
    }
    const { createScorer } = await import('../../runtime/scorer.js');
    const { writeScoredChunks } = await import('../../serving/batch-predict.js');
    const scorer = createScorer(text, flags.model);
    const readOptions = readOptionsFrom(flags);
    const progress = createProgress(io, 'scoring');
    const summary = await withLazyKiln(async (kiln) => {
      const resolved = await resolveSource(kiln, flags.data, readOptions);
      await checkOutputs([resolved.path, flags.model], [{ path: flags.out, flag: '--out' }]);
      return writeScoredChunks(scorer, resolved.path, resolved.readOptions, flags.out, {
        keepInputs: !flags.onlyPredictions,
        strictCategories: Boolean(flags.strictCategories),
        onProgress: (rows) => progress.update(rows),
      });
    }).finally(() => progress.stop());
    if (flags.json) return printJson(io, summary);
    for (const [column, count] of Object.entries(summary.unseenCategories)) {
      io.err(`warning: ${count} row(s) have categories of "${column}" never seen in training; they were scored as missing values\n`);
    }
    io.out(`scored ${summary.rows} rows -> ${summary.out}\n`);
  });
}
