/**
 * The `tune` job kind: `kiln tune --async` submits a study as a job, and whichever process runs jobs
 * (`kiln server`, `kiln worker`) runs it through `runStudy` in the job's project. The study's run is linked
 * to the job (`runId`) as soon as it exists; progress is trials ended out of the budget with the best value
 * so far. A cancelled job aborts the study: trials in flight and the study's run end `killed`, and the study
 * stays resumable (`kiln tune --study NAME` or `--resume ID`). A retried attempt (its worker died) resumes
 * the same study instead of starting a second one. The result is the `kiln tune --json` document. With
 * `distributed: true` the trials run as `tune-trial` jobs on any worker (trial-dispatcher.ts); this job
 * only asks the sampler and waits.
 */
import { UsageError } from '../../core/errors.js';
import type { ReadOptions } from '../../data/io/read-options.js';
import type { JobContext, JobHandler } from '../../jobs/job-handler.js';
import type { JobService } from '../../jobs/job-service.js';
import type { TaskRequest } from '../../ml/train/target.js';
import type { ArtifactStore } from '../../store/artifact-store.js';
import type { JsonValue } from '../../store/job-repository.js';
import type { TrackingService } from '../../tracking/tracking-service.js';
import type { TrainingData } from '../train-request.js';
import type { TrainingService } from '../training-service.js';
import { runStudy } from './run-study.js';
import type { StudyProgress, StudyRequest } from './study-types.js';
import { JobTrialDispatcher } from './trial-dispatcher.js';
import { studyJson } from './tune-job-result.js';

/** The job kind. */
export const TUNE_JOB_KIND = 'tune';

/** What a `tune` job carries: the study request with its data as the train job names it. */
export interface TuneJobPayload extends Omit<StudyRequest, 'data' | 'createdBy'> {
  /** A registered dataset version `NAME@VERSION`. */
  readonly dataset?: string;
  /** An absolute file path (CLI submissions; the worker must see the same path). */
  readonly file?: string;
  readonly readOptions?: ReadOptions;
  /** Run the trials as `tune-trial` jobs on any worker (a distributed study) instead of threads of this job. */
  readonly distributed?: boolean;
}

const STRING_FIELDS = ['target', 'algo', 'task', 'positiveClass', 'sampler', 'pruner', 'metric', 'experiment', 'study', 'resume', 'out'] as const;
const NUMBER_FIELDS = ['trials', 'parallel', 'timeoutSeconds', 'seed', 'validFraction', 'testFraction'] as const;
const OBJECT_FIELDS = ['params', 'space', 'readOptions'] as const;
const KNOWN = new Set<string>([...STRING_FIELDS, ...NUMBER_FIELDS, ...OBJECT_FIELDS, 'dataset', 'file', 'exclude', 'distributed']);

/** Checks a payload (from the queue: anything) and returns the study request it names. */
export function parseTuneJobPayload(payload: unknown): StudyRequest {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) throw new UsageError('a tune job payload is an object with target and dataset (or file)', { field: 'payload' });
  const p = payload as Record<string, unknown>;
  const unknown = Object.keys(p).find((k) => !KNOWN.has(k));
  if (unknown !== undefined) throw new UsageError(`a tune job payload has no field "${unknown.slice(0, 64)}"`, { field: unknown.slice(0, 64) }, `Fields are: ${[...KNOWN].join(', ')}.`);
  for (const f of STRING_FIELDS) if (p[f] !== undefined && (typeof p[f] !== 'string' || p[f] === '')) throw new UsageError(`${f} must be a non-empty string`, { field: f });
  for (const f of NUMBER_FIELDS) if (p[f] !== undefined && typeof p[f] !== 'number') throw new UsageError(`${f} must be a number`, { field: f });
  for (const f of OBJECT_FIELDS) if (p[f] !== undefined && (p[f] === null || typeof p[f] !== 'object' || Array.isArray(p[f]))) throw new UsageError(`${f} must be a JSON object`, { field: f });
  if (p.exclude !== undefined && !(Array.isArray(p.exclude) && p.exclude.every((c) => typeof c === 'string'))) throw new UsageError('exclude must be an array of column names', { field: 'exclude' });
  if (p.distributed !== undefined && typeof p.distributed !== 'boolean') throw new UsageError('distributed must be true or false', { field: 'distributed' });
  const { dataset, file, readOptions, distributed: _distributed, ...rest } = p as TuneJobPayload;
  if (dataset !== undefined && file !== undefined) throw new UsageError('a tune job names one of dataset (NAME@VERSION) or file, not both', { field: 'dataset' });
  // Only a continued study may leave its data out: it reuses the source it stored.
  if (dataset === undefined && file === undefined && rest.study === undefined && rest.resume === undefined) throw new UsageError('a tune job names dataset (NAME@VERSION) or file (or study / resume to continue one)', { field: 'dataset' });
  if (file !== undefined && !file.startsWith('/')) throw new UsageError('file must be an absolute path', { field: 'file' });
  if (rest.out !== undefined && !rest.out.startsWith('/')) throw new UsageError('out must be an absolute path', { field: 'out' });
  const data: TrainingData | undefined = dataset !== undefined ? { dataset } : file !== undefined ? { file, ...(readOptions ? { readOptions } : {}) } : undefined;
  return { ...rest, ...(rest.task !== undefined ? { task: rest.task as TaskRequest } : {}), ...(data ? { data } : {}) };
}

/** Whether a (checked) payload asks for a distributed study. */
export function isDistributedPayload(payload: unknown): boolean {
  return (payload as { distributed?: unknown } | null)?.distributed === true;
}

/** The `tune` handler over the tracking, training and artifact services; `jobs` submits a distributed study's trials. */
export function tuneJobHandler(trackingService: TrackingService, trainingService: TrainingService, artifacts: ArtifactStore, jobs?: JobService): JobHandler {
  return async (ctx: JobContext): Promise<JsonValue> => {
    const parsed = parseTuneJobPayload(ctx.payload);
    const distributed = isDistributedPayload(ctx.payload);
    if (distributed && !jobs) throw new UsageError('this process cannot run distributed studies (no job service to submit trials to)', { field: 'distributed' });
    // A retried attempt continues the study the first one started (its run is linked), never a second one.
    const request: StudyRequest = ctx.runId !== null && parsed.resume === undefined && parsed.study === undefined ? { ...parsed, resume: ctx.runId } : parsed;
    const services = { tracking: trackingService.inProject(ctx.project), training: trainingService.inProject(ctx.project), artifacts };
    let linked: Promise<void> = Promise.resolve();
    const dispatcher = distributed && jobs ? new JobTrialDispatcher({ jobs, tracking: services.tracking, project: ctx.project, log: (line) => ctx.log(line) }) : undefined;
    const result = await runStudy(services, request, {
      signal: ctx.signal,
      // A retried attempt of a study that started: the worker of the earlier one is gone (that is why this attempt runs).
      takeOver: ctx.runId !== null && ctx.attempt > 1,
      ...(dispatcher ? { dispatcher } : {}),
      onStart: (info) => {
        ctx.log(`${info.resumed ? 'resuming' : 'started'} study ${info.name} (run ${info.studyId}) in experiment ${info.experiment}`);
        ctx.log(`${info.total} trials, ${info.parallel} at a time${distributed ? ' as tune-trial jobs on any worker' : ''}; sampler ${info.sampler}, pruner ${info.pruner}; ${info.direction} validation ${info.metric} (${info.task}), seed ${info.seed}`);
        if (info.resumed) ctx.log(`${info.previousTrials} trials ended before${info.killedTrials > 0 ? `, ${info.killedTrials} left running marked killed` : ''}`);
        ctx.progress(info.total > 0 ? Math.min(1, info.previousTrials / info.total) : 0, `trial ${info.previousTrials}/${info.total}`);
        linked = ctx.linkRun(info.studyId).catch((err: unknown) => ctx.log(`could not link run ${info.studyId}: ${(err as Error).message}`));
      },
      onProgress: (p) => {
        const message = progressMessage(p);
        ctx.progress(p.fraction, message);
        ctx.log(`${message} (last: #${p.last.number} ${p.last.state}${p.last.value !== null ? ` ${p.last.value}` : ''}${p.last.error ? `: ${p.last.error}` : ''})`);
      },
    });
    await linked;
    ctx.log(`study ${result.study.name} ${result.study.status} (${result.study.stopReason})${result.best ? `: best trial ${result.best.number}, ${result.study.metric} ${result.best.value}` : ''}`);
    // Through JSON: the result is stored as JSON (NaN and undefined as JSON writes them).
    return JSON.parse(JSON.stringify(studyJson(result))) as JsonValue;
  };
}

function progressMessage(p: StudyProgress): string {
  return `trial ${p.done}/${p.total}, best ${p.best ? p.best.value : '-'}`;
}
