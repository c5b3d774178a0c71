/**
 * `kiln batch`: batch inference over a file or dataset version larger than memory, into one Parquet
 * file with the columns of `kiln predict`, in resumable chunks (a killed run, rerun with the same
 * arguments, continues from the chunks it finished) and optionally on worker threads. ONNX models (a
 * `.onnx` file or a registered ONNX version) are scored through ONNX Runtime in the main thread.
 */
import type { Command } from 'commander';
import { NotFoundError, UsageError } from '../../core/errors.js';
import type { CliContext } from '../main.js';
import { isOnnxModelFile } from '../onnx-predict.js';
import { checkOutputs } from '../output-guard.js';
import { printJson } from '../output.js';
import { createProgress } from '../progress.js';
import { addReadOptions, readOptionsFrom } from '../read-options.js';
import type { RawReadFlags } from '../read-options.js';
import { resolveBundleText, resolveModelSource } from '../resolve-model.js';
import { resolveSource, withLazyKiln } from '../with-kiln.js';
import type { LazyKiln } from '../with-kiln.js';

interface BatchFlags extends RawReadFlags {
  model: string;
  input: string;
  output?: string;
  async?: boolean;
  outputDataset?: string;
  chunk?: string;
  workers?: string;
  onlyPredictions?: boolean;
  strictCategories?: boolean;
  restart?: boolean;
  json?: boolean;
}

/** Register `kiln batch`. */
export function registerBatchCommand(program: Command, ctx: CliContext): void {
  addReadOptions(
    program
      .command('batch')
      .description('batch inference: score a large file or dataset in resumable chunks into one .parquet file')
      .requiredOption('--model <ref>', 'model bundle file written by `kiln train`, an .onnx file, or a registered NAME@VERSION / NAME@ALIAS (Kiln or ONNX)')
      .requiredOption('--input <source>', 'data to score: file or NAME@VERSION')
      .option('--output <file>', 'output .parquet file (a rerun after a kill resumes from its finished chunks); required unless --async')
      .option('--async', 'submit as a batch-inference job (model: a registered or trained reference; input: NAME@VERSION) and print its id')
      .option('--output-dataset <name>', 'with --async: register the output as the next version of this dataset')
      .option('--chunk <rows>', 'rows per chunk (default 65536)')
      .option('--workers <n>', 'worker threads scoring chunks (default 0: score in the main thread)')
      .option('--only-predictions', 'write only the prediction columns')
      .option('--strict-categories', 'fail (exit 2) on categories never seen in training instead of scoring them as missing')
      .option('--restart', 'discard an unfinished earlier run for this output instead of resuming it')
      .option('--json', 'print a JSON summary'),
  ).action(async (flags: BatchFlags) => {
    const { io } = ctx;
    const chunkRows = flags.chunk === undefined ? undefined : positiveInt(flags.chunk, '--chunk');
    const workers = flags.workers === undefined ? undefined : nonNegativeInt(flags.workers, '--workers');
    if (flags.async) {
      const { submitBatchJob } = await import('./batch-async.js');
      return submitBatchJob(ctx, { ...flags, chunk: chunkRows, workers });
    }
    if (flags.outputDataset !== undefined) throw new UsageError('--output-dataset needs --async (a local run writes --output)', { field: 'output-dataset' });
    if (flags.output === undefined) throw new UsageError("required option '--output <file>' not specified", { field: 'output' }, 'Pass --output FILE.parquet, or --async to run it as a job.');
    const output = flags.output;
    const onnxFile = (await isOnnxModelFile(flags.model)) ? flags.model : undefined;
    const { runBatch } = await import('../../serving/batch/batch-run.js');
    const readOptions = readOptionsFrom(flags);
    const progress = createProgress(io, 'batch scoring');
    const summary = await withLazyKiln(async (kiln) => {
      const model = onnxFile !== undefined ? await readOnnx(onnxFile, onnxFile) : await resolveBatchModel(kiln, flags.model);
      const resolved = await resolveSource(kiln, flags.input, readOptions);
      await checkOutputs([resolved.path, ...(model.file !== undefined ? [model.file] : [])], [{ path: output, flag: '--output' }]);
      return runBatch({
        bundleText: model.text,
        ...(model.onnx ? { onnx: model.onnx } : {}),
        // A reference is pinned to NAME@VERSION, so a resumed run keeps scoring the same version.
        modelSource: model.label,
        input: resolved.path,
        ...(resolved.dataset ? { dataset: resolved.dataset } : {}),
        readOptions: resolved.readOptions,
        output,
        ...(chunkRows !== undefined ? { chunkRows } : {}),
        ...(workers !== undefined ? { workers } : {}),
        keepInputs: !flags.onlyPredictions,
        strictCategories: Boolean(flags.strictCategories),
        restart: Boolean(flags.restart),
        onProgress: (rows) => progress.update(rows),
      });
    }).finally(() => progress.stop());
    if (flags.json) return printJson(io, summary);
    for (const [column, count] of Object.entries(summary.unseenCategories)) {
      io.err(`warning: ${count} row(s) have categories of "${column}" never seen in training; they were scored as missing values\n`);
    }
    const resumed = summary.resumedChunks > 0 ? ` (resumed: ${summary.resumedChunks} of ${summary.chunks} chunks were already done)` : '';
    io.out(`scored ${summary.rows} rows in ${summary.chunks} chunk(s) -> ${summary.out}${resumed}\n`);
  });
}

/** A model for `kiln batch`: a Kiln bundle's text, or an ONNX model's bytes (a file or a registered ONNX version). */
interface BatchModel {
  readonly text: string;
  readonly label: string;
  readonly file?: string;
  readonly onnx?: Uint8Array;
}

async function resolveBatchModel(kiln: LazyKiln, model: string): Promise<BatchModel> {
  const source = await resolveModelSource(kiln, model);
  if (source.onnxFile !== undefined) return { ...(await readOnnx(source.onnxFile, source.ref)), file: undefined };
  return resolveBundleText(kiln, model, 'kiln batch');
}

async function readOnnx(file: string, label: string): Promise<BatchModel> {
  const { readFile } = await import('node:fs/promises');
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(file));
  } catch {
    throw new NotFoundError(`model file not found: ${file}`, { file }, 'Pass the path of an .onnx file or a registered model NAME@VERSION.');
  }
  return { text: '', label, file, onnx: bytes };
}

function positiveInt(v: string, flag: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || !Number.isSafeInteger(n) || n < 1) throw new UsageError(`${flag} must be a positive integer (got "${v}")`, { field: flag.slice(2) });
  return n;
}

function nonNegativeInt(v: string, flag: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || !Number.isSafeInteger(n)) throw new UsageError(`${flag} must be a non-negative integer (got "${v}")`, { field: flag.slice(2) });
  return n;
}
