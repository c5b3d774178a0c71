/**
 * The `train` job kind: `kiln train --async` and `POST /v1/train {async: true}` submit a training as a
 * job, and whichever process runs jobs (`kiln server`, `kiln worker`) trains it through the same
 * `TrainingService`, recording a tracked run as `kiln train` does (the run is linked to the job as
 * `runId`). Progress: the training stages, and GBDT iterations out of `numTrees` (an upper bound: early
 * stopping may end sooner). A cancelled job aborts the training (its worker thread is terminated) and
 * ends its run `killed`; a failed one ends it `failed`. Registered in `openKiln`.
 */
import { basename } from 'node:path';
import { UsageError } from '../core/errors.js';
import type { ReadOptions } from '../data/io/read-options.js';
import type { JobContext, JobHandler } from '../jobs/job-handler.js';
import { GBDT_DEFAULTS } from '../ml/gbdt/gbdt-params.js';
import type { TaskRequest } from '../ml/train/target.js';
import type { ArtifactStore } from '../store/artifact-store.js';
import type { JsonValue } from '../store/job-repository.js';
import { recordTraining } from '../tracking/record-training.js';
import type { TrackingService } from '../tracking/tracking-service.js';
import { checkTrainSpec } from './train-request.js';
import type { TrainSpec, TrainingData } from './train-request.js';
import type { TrainingService } from './training-service.js';

/** The job kind. */
export const TRAIN_JOB_KIND = 'train';

/** What a `train` job carries: the spec, where the data is, and where to record. */
export interface TrainJobPayload extends TrainSpec {
  /** A registered dataset version `NAME@VERSION` (the only form the HTTP API submits). */
  readonly dataset?: string;
  /** An absolute file path (CLI submissions; the worker must see the same path). */
  readonly file?: string;
  readonly readOptions?: ReadOptions;
  /** Also write the bundle to this absolute path (on the worker's machine). */
  readonly out?: string;
  /** Experiment of the tracked run (default `default`). */
  readonly experiment?: string;
}

const STAGES: Readonly<Record<string, number>> = { split: 0.02, preprocessing: 0.05, training: 0.1, evaluation: 0.9 };

/** Checks a payload (from the queue: anything) and returns the training data and spec it names. */
export function parseTrainJobPayload(payload: unknown): { data: TrainingData; spec: TrainSpec; out?: string; experiment: string } {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) throw new UsageError('a train job payload is an object with target and dataset (or file)', { field: 'payload' });
  const p = payload as TrainJobPayload;
  const { dataset, file, readOptions, out, experiment, ...spec } = p;
  if ((dataset === undefined) === (file === undefined)) throw new UsageError('a train job names exactly one of dataset (NAME@VERSION) or file', { field: 'dataset' });
  if (dataset !== undefined && (typeof dataset !== 'string' || dataset.length === 0)) throw new UsageError('dataset must be NAME@VERSION', { field: 'dataset' });
  if (file !== undefined && (typeof file !== 'string' || !file.startsWith('/'))) throw new UsageError('file must be an absolute path', { field: 'file' });
  if (out !== undefined && (typeof out !== 'string' || !out.startsWith('/'))) throw new UsageError('out must be an absolute path', { field: 'out' });
  if (experiment !== undefined && (typeof experiment !== 'string' || experiment.length === 0)) throw new UsageError('experiment must be a name', { field: 'experiment' });
  checkTrainSpec(spec);
  const data: TrainingData = dataset !== undefined ? { dataset } : { file: file as string, ...(readOptions ? { readOptions } : {}) };
  return { data, spec, ...(out !== undefined ? { out } : {}), experiment: experiment ?? 'default' };
}

/** The `train` handler over the training and tracking services. */
export function trainJobHandler(trainingService: TrainingService, trackingService: TrackingService, artifacts: ArtifactStore): JobHandler {
  return async (ctx: JobContext): Promise<JsonValue> => {
    const { data, spec, out, experiment } = parseTrainJobPayload(ctx.payload);
    // The job's project is where the data is read, the model recorded and the run tracked.
    const training = trainingService.inProject(ctx.project);
    const tracking = trackingService.inProject(ctx.project);
    const seed = spec.seed ?? 42;
    if (ctx.runId !== null) {
      // An earlier attempt's worker died mid-training: its run can never finish, so it ends failed.
      const previous = await tracking.getRun(ctx.runId).catch(() => null);
      if (previous?.status === 'running') {
        await tracking.endRun(previous.id, 'failed').catch(() => undefined);
        ctx.log(`run ${previous.id} of the interrupted attempt marked failed`);
      }
    }
    const run = await tracking.startRun({ experiment, seed, tags: { 'kiln.job': ctx.jobId } });
    await ctx.linkRun(run.id);
    ctx.log(`tracking as run ${run.id} (experiment ${experiment})`);
    const numTrees = typeof spec.params?.numTrees === 'number' && spec.params.numTrees > 0 ? spec.params.numTrees : GBDT_DEFAULTS.numTrees;
    try {
      const trained = await training.train(
        { data, ...spec, seed, ...(out !== undefined ? { out } : {}) },
        {
          signal: ctx.signal,
          onStage: (stage) => {
            ctx.log(`stage: ${stage}`);
            ctx.progress(STAGES[stage] ?? 0.05, stage);
          },
          onIteration: (it) => ctx.progress(0.1 + 0.8 * Math.min(1, (it + 1) / numTrees), `iteration ${it + 1}`),
        },
      );
      ctx.progress(0.95, 'recording');
      const stored = await artifacts.stat(trained.model.artifactHash);
      await recordTraining(tracking.bind(run.id), {
        algo: trained.algo,
        task: trained.task,
        target: spec.target,
        seed,
        params: spec.params ?? {},
        metrics: trained.metrics,
        bestIteration: trained.bestIteration ?? undefined,
        history: trained.history,
        rows: trained.rows,
        dataset: trained.model.dataset ?? undefined,
        bundle: { path: basename(trained.out ?? 'model.kiln.json'), hash: trained.model.artifactHash, size: stored?.size ?? 0 },
        modelId: trained.model.id,
        featureLineage: trained.featureLineage,
      });
      await tracking.endRun(run.id, 'finished');
      ctx.log(`trained ${trained.algo} (${trained.task}): model ${trained.model.id}`);
      return {
        model: { id: trained.model.id, artifactHash: trained.model.artifactHash },
        algo: trained.algo,
        task: trained.task as TaskRequest,
        metrics: Object.fromEntries(Object.entries(trained.metrics).map(([k, v]) => [k, Number.isFinite(v) ? v : null])),
        bestIteration: trained.bestIteration,
        rows: { ...trained.rows },
        features: trained.features.length,
        warnings: [...trained.warnings],
        checksum: trained.checksum,
        runId: run.id,
        ...(trained.out ? { out: trained.out } : {}),
      };
    } catch (err) {
      // A cancelled job's run is killed, not failed: nothing went wrong with the training itself.
      await tracking.endRun(run.id, ctx.signal.aborted ? 'killed' : 'failed').catch(() => undefined);
      throw err;
    }
  };
}
