/**
 * The `batch-inference` job kind: `kiln batch` as a job (`POST /v1/batch-jobs`, `kiln batch --async`). The
 * model is a registered or trained reference (never a server path), pinned to its exact version at submit;
 * the input a registered dataset version or a file under the server's import root. The run works in
 * `KILN_HOME/batch-jobs/<job id>/`, so a retried attempt (its worker died) resumes from the chunks the
 * first one finished. The output Parquet is stored as an artifact (and, when asked, registered as a dataset
 * version); the result names its hash.
 */
import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../../core/errors.js';
import type { DatasetService } from '../../data/datasets/dataset-service.js';
import { resolveImportPath } from '../../data/datasets/import-root.js';
import type { JobContext, JobHandler } from '../../jobs/job-handler.js';
import type { ArtifactStore } from '../../store/artifact-store.js';
import type { JsonValue } from '../../store/job-repository.js';
import type { ModelSource } from '../model-source.js';

/** The job kind. */
export const BATCH_JOB_KIND = 'batch-inference';

/** What a `batch-inference` job carries. */
export interface BatchJobPayload {
  /** The pinned model key (`NAME@VERSION` or `trained:ID`). */
  readonly model: string;
  /** A registered dataset version `NAME@VERSION`, or `import`: a path relative to the import root. */
  readonly dataset?: string;
  readonly import?: string;
  readonly chunk?: number;
  readonly workers?: number;
  readonly onlyPredictions?: boolean;
  readonly strictCategories?: boolean;
  /** Register the output as the next version of this dataset. */
  readonly outputDataset?: string;
}

/** What the job stores as its result. */
export interface BatchJobResult {
  readonly model: string;
  readonly input: string;
  readonly rows: number;
  readonly chunks: number;
  readonly resumedChunks: number;
  readonly columns: string[];
  /** Artifact hash of the output Parquet file. */
  readonly output: string;
  readonly outputBytes: number;
  readonly dataset?: { readonly name: string; readonly version: number };
  readonly unseenCategories: Readonly<Record<string, number>>;
}

const KNOWN = new Set(['model', 'dataset', 'import', 'chunk', 'workers', 'onlyPredictions', 'strictCategories', 'outputDataset']);

/** Checks a payload (a request body or a queued payload): UsageError naming the bad field. */
export function parseBatchJobPayload(payload: unknown): BatchJobPayload {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) throw new UsageError('a batch job is an object with model and dataset (or import)', { field: 'payload' });
  const p = payload as Record<string, unknown>;
  const unknown = Object.keys(p).find((k) => !KNOWN.has(k));
  if (unknown !== undefined) throw new UsageError(`a batch job has no field "${unknown.slice(0, 64)}"`, { field: unknown.slice(0, 64) }, `Fields are: ${[...KNOWN].join(', ')}.`);
  if (typeof p.model !== 'string' || p.model === '' || p.model.length > 1024) throw new UsageError('model must be a registered NAME@VERSION, NAME@ALIAS or trained:ID', { field: 'model' });
  if ((p.dataset === undefined) === (p.import === undefined)) throw new UsageError('a batch job names one input: dataset (NAME@VERSION) or import (a path under the import root)', { field: 'dataset' });
  for (const f of ['dataset', 'import', 'outputDataset'] as const) if (p[f] !== undefined && (typeof p[f] !== 'string' || p[f] === '')) throw new UsageError(`${f} must be a non-empty string`, { field: f });
  for (const f of ['chunk', 'workers'] as const) if (p[f] !== undefined && (typeof p[f] !== 'number' || !Number.isSafeInteger(p[f]))) throw new UsageError(`${f} must be an integer`, { field: f });
  for (const f of ['onlyPredictions', 'strictCategories'] as const) if (p[f] !== undefined && typeof p[f] !== 'boolean') throw new UsageError(`${f} must be true or false`, { field: f });
  return p as unknown as BatchJobPayload;
}

/** What the handler needs. */
export interface BatchJobDeps {
  readonly artifacts: ArtifactStore;
  readonly datasets: DatasetService;
  /** Server-path-free model source (no bundle files). */
  readonly models: ModelSource;
  readonly importRoot: string | undefined;
  /** Where jobs work (`KILN_HOME/batch-jobs`). */
  readonly workRoot: string;
}

/** The `batch-inference` handler. */
export function batchJobHandler(deps: BatchJobDeps): JobHandler {
  return async (ctx: JobContext): Promise<JsonValue> => {
    const p = parseBatchJobPayload(ctx.payload);
    const datasets = deps.datasets.inProject(ctx.project);
    const model = await deps.models.resolve(p.model, ctx.project);
    // ONNX versions are scored through ONNX Runtime (in the job's thread: no worker threads).
    const onnx = model.format === 'onnx' && model.loadBytes ? await model.loadBytes() : undefined;
    const bundleText = onnx ? '' : await model.load();
    const input = p.dataset !== undefined ? await datasets.resolveReference(p.dataset, 'dataset') : { path: await resolveImportPath(deps.importRoot, p.import, 'import'), readOptions: {} };
    const label = p.dataset ?? `import:${p.import as string}`;
    const work = join(deps.workRoot, ctx.jobId);
    await mkdir(work, { recursive: true });
    const out = join(work, 'output.parquet');
    ctx.log(`${ctx.attempt > 1 ? 'resuming' : 'scoring'} ${label} with ${model.key}`);
    // The batch runner (ONNX protobuf, worker pool) loads only when a batch job runs.
    const { runBatch } = await import('./batch-run.js');
    const summary = await runBatch({
      bundleText,
      ...(onnx ? { onnx } : {}),
      modelSource: model.key,
      input: input.path,
      ...('dataset' in input && input.dataset ? { dataset: input.dataset } : {}),
      readOptions: input.readOptions,
      output: out,
      ...(p.chunk !== undefined ? { chunkRows: p.chunk } : {}),
      ...(p.workers !== undefined && !onnx ? { workers: Math.min(p.workers, 8) } : {}),
      keepInputs: !p.onlyPredictions,
      strictCategories: Boolean(p.strictCategories),
      onProgress: (rows) => {
        // runBatch keeps finished chunks when this throws: a cancelled job stays resumable.
        if (ctx.signal.aborted) throw new UsageError('batch job stopped', { field: 'job' });
        ctx.progress(0, `${rows} rows scored`);
      },
    });
    const ref = await deps.artifacts.putFile(out);
    const bytes = (await stat(out)).size;
    let dataset: BatchJobResult['dataset'];
    if (p.outputDataset !== undefined) {
      const reg = await datasets.registerFile(out, p.outputDataset, `batch-job:${ctx.jobId}`);
      dataset = { name: reg.name, version: reg.version };
      ctx.log(`registered the output as ${reg.name}@${reg.version}`);
    }
    await rm(work, { recursive: true, force: true });
    ctx.log(`scored ${summary.rows} rows in ${summary.chunks} chunk(s)${summary.resumedChunks > 0 ? ` (${summary.resumedChunks} resumed)` : ''}`);
    const result: BatchJobResult = { model: model.key, input: label, rows: summary.rows, chunks: summary.chunks, resumedChunks: summary.resumedChunks, columns: [...summary.columns], output: ref.hash, outputBytes: bytes, ...(dataset ? { dataset } : {}), unseenCategories: summary.unseenCategories };
    return result as unknown as JsonValue;
  };
}
