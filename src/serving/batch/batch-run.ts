/**
 * `runBatch`: batch inference over inputs larger than memory, resumable after a kill. The input streams
 * in fixed chunks (`readFrameChunks`, deterministic for a given file and chunk size); each chunk is
 * scored and written to its own Parquet file in the work folder beside the output (`batch-manifest.ts`),
 * in this thread or by `workers` worker threads (chunks in flight are bounded, so memory is too). A rerun
 * skips chunks whose file exists. When every chunk is there, DuckDB concatenates them in chunk order
 * into a temp file that is renamed onto the output, and the work folder is removed: the output appears
 * whole or not at all, with exactly the rows of an uninterrupted run. Columns are those of `kiln predict`
 * (for ONNX models, those of `kiln predict --model FILE.onnx`: inputs, then every model output).
 */
import { createHash } from 'node:crypto';
import { rename, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { InputError, UsageError } from '../../core/errors.js';
import { withDuckDb } from '../../data/io/duckdb-session.js';
import { translateDuckDbError } from '../../data/io/duckdb-error.js';
import { readFrameChunks } from '../../data/io/read-frame.js';
import type { ReadOptions } from '../../data/io/read-options.js';
import { quoteLiteral, quoteLiteralList } from '../../data/io/sql-quote.js';
import { removeTempPath, tempSibling, trackTempPath } from '../../data/io/temp-space.js';
import { createScorer } from '../../runtime/scorer.js';
import { UnseenCategoryCounter, checkNoOutputCollision } from '../batch-predict.js';
import { loadOnnxModel } from '../../ml/interop/onnx-model.js';
import { scoreChunkToFile, scoreOnnxChunkToFile } from './batch-chunk.js';
import { batchIdentity, batchWorkDir, chunkFile, openBatchWorkDir } from './batch-manifest.js';
import type { BatchDatasetInput } from './batch-manifest.js';
import { BatchWorkerPool } from './batch-worker-pool.js';

/** Default rows per chunk. */
export const DEFAULT_BATCH_CHUNK_ROWS = 65_536;
/** Largest `--workers`. */
export const MAX_BATCH_WORKERS = 64;

/** What to run. */
export interface BatchRunOptions {
  /** The bundle's JSON text and where it came from (for messages); ignored when `onnx` is given. */
  readonly bundleText: string;
  /** An ONNX model's bytes, scored through ONNX Runtime in this thread (no `workers`, no `strictCategories`). */
  readonly onnx?: Uint8Array;
  readonly modelSource: string;
  /** A local file (datasets are resolved to their file by the caller, who passes `dataset` too). */
  readonly input: string;
  /** The registered version behind `input`: resuming then checks its content hash, not the file's path and time. */
  readonly dataset?: BatchDatasetInput;
  readonly readOptions?: ReadOptions;
  /** The output, `.parquet`. */
  readonly output: string;
  readonly chunkRows?: number;
  /** Worker threads; 0 scores in this thread (default). */
  readonly workers?: number;
  /** Write the input columns before the predictions (default true). */
  readonly keepInputs?: boolean;
  readonly strictCategories?: boolean;
  /** Discard an unfinished earlier run for this output instead of resuming it. */
  readonly restart?: boolean;
  /** DuckDB memory per worker thread (default 256 MiB). */
  readonly workerMemoryBytes?: number;
  readonly onProgress?: (rowsDone: number) => void;
}

/** What a run did. */
export interface BatchRunSummary {
  readonly rows: number;
  readonly out: string;
  readonly columns: readonly string[];
  readonly chunks: number;
  /** Chunks found finished by an earlier, interrupted run and not scored again. */
  readonly resumedChunks: number;
  readonly workers: number;
  readonly unseenCategories: Readonly<Record<string, number>>;
}

/** Score `input` into `output` in resumable chunks. */
export async function runBatch(opts: BatchRunOptions): Promise<BatchRunSummary> {
  const chunkRows = opts.chunkRows ?? DEFAULT_BATCH_CHUNK_ROWS;
  const workers = opts.workers ?? 0;
  const keepInputs = opts.keepInputs ?? true;
  if (!/\.parquet$/i.test(opts.output)) throw new UsageError(`--output must end in .parquet (got "${opts.output}")`, { field: 'output' });
  if (!Number.isSafeInteger(chunkRows) || chunkRows < 1 || chunkRows > 10_000_000) throw new UsageError(`--chunk must be an integer from 1 to 10000000 (got ${chunkRows})`, { field: 'chunk' });
  if (!Number.isSafeInteger(workers) || workers < 0 || workers > MAX_BATCH_WORKERS) throw new UsageError(`--workers must be an integer from 0 to ${MAX_BATCH_WORKERS} (got ${workers})`, { field: 'workers' });
  if (opts.onnx && workers > 0) throw new UsageError('--workers is not supported for ONNX models (ONNX Runtime runs its own threads); drop --workers', { field: 'workers' });
  if (opts.onnx && opts.strictCategories) throw new UsageError('--strict-categories needs a Kiln bundle (an ONNX model records no training categories)', { field: 'strict-categories' });
  const onnx = opts.onnx ? await loadOnnxModel(opts.onnx) : null;
  const scorer = onnx ? null : createScorer(opts.bundleText, opts.modelSource);
  const readOptions: ReadOptions = { ...(opts.readOptions ?? {}), chunkRows };
  const workDir = batchWorkDir(opts.output);
  const modelIdentity = opts.onnx ? `onnx:${createHash('sha256').update(opts.onnx).digest('hex')}` : opts.bundleText;
  const identity = await batchIdentity(modelIdentity, opts.input, chunkRows, keepInputs, opts.readOptions ?? {}, opts.dataset);
  const done = await openBatchWorkDir(workDir, identity, opts.restart ?? false).catch(async (err: unknown) => {
    await onnx?.close();
    throw err;
  });
  const pool = workers > 0 ? new BatchWorkerPool(workers, { bundleText: opts.bundleText, source: opts.modelSource, duckDbMemoryBytes: opts.workerMemoryBytes ?? 256 * 1024 ** 2 }) : null;
  const unseen = scorer ? new UnseenCategoryCounter(scorer) : null;
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;
  let chunks = 0;
  let resumed = 0;
  let rowsDone = 0;
  let scored = 0;
  try {
    for await (const chunk of readFrameChunks(opts.input, readOptions)) {
      if (failure !== undefined) break;
      const index = chunks++;
      if (index === 0 && keepInputs && scorer) checkNoOutputCollision(chunk, scorer);
      unseen?.add(chunk);
      if (opts.strictCategories && unseen) throwOnUnseen(unseen);
      const rows = chunk.rowCount;
      const finish = (): void => {
        rowsDone += rows;
        opts.onProgress?.(rowsDone);
      };
      if (done.has(index)) {
        resumed++;
        finish();
        continue;
      }
      const file = chunkFile(workDir, index);
      if (!pool) {
        if (onnx) await scoreOnnxChunkToFile(onnx, chunk, keepInputs, file);
        else if (scorer) await scoreChunkToFile(scorer, chunk, keepInputs, file);
        scored++;
        finish();
        continue;
      }
      const task: Promise<void> = pool.run(index, chunk, keepInputs, file).then(() => {
        scored++;
        finish();
      }, (err: unknown) => {
        failure ??= err;
      });
      inFlight.add(task);
      void task.finally(() => inFlight.delete(task));
      // Bounded memory: at most two chunks per worker are read ahead.
      while (inFlight.size >= 2 * workers) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    if (failure !== undefined) throw failure;
  } catch (err) {
    // Nothing finished (bad input, a clash, a bad model): leave nothing behind. Otherwise keep the
    // finished chunks so that a rerun resumes from them.
    if (done.size + scored === 0) await rm(workDir, { recursive: true, force: true });
    throw err;
  } finally {
    await pool?.close();
    await onnx?.close();
  }
  const files = Array.from({ length: chunks }, (_, i) => chunkFile(workDir, i));
  const { rows, columns } = await assemble(files, opts.output);
  await rm(workDir, { recursive: true, force: true });
  return { rows, out: resolve(opts.output), columns, chunks, resumedChunks: resumed, workers, unseenCategories: unseen?.counts ?? {} };
}

function throwOnUnseen(unseen: UnseenCategoryCounter): void {
  const [column, count] = Object.entries(unseen.counts)[0] ?? [];
  if (column === undefined) return;
  throw new InputError(
    `column "${column}" has ${count} value(s) never seen in training (e.g. ${JSON.stringify(unseen.examples[column])})`,
    { column },
    'Drop --strict-categories to score them as missing values.',
  );
}

/** Concatenate the chunk files, in order, into the output (temp sibling + rename). */
async function assemble(files: readonly string[], output: string): Promise<{ rows: number; columns: string[] }> {
  const tmp = tempSibling(output);
  const untrack = trackTempPath(tmp);
  try {
    const result = await withDuckDb(async (conn) => {
      try {
        const source = `read_parquet(${quoteLiteralList(files)})`;
        const res = await conn.runAndReadAll(`COPY (SELECT * FROM ${source}) TO ${quoteLiteral(tmp)} (FORMAT parquet)`);
        const described = await conn.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${quoteLiteral(tmp)})`);
        return { rows: Number(res.getRows()[0]?.[0] ?? 0), columns: described.getRows().map((r) => String(r[0])) };
      } catch (err) {
        throw translateDuckDbError(err, output);
      }
    });
    await rename(tmp, output);
    untrack();
    return result;
  } catch (err) {
    await removeTempPath(tmp);
    throw err;
  }
}
