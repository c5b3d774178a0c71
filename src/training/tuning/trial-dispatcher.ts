/**
 * A distributed study's trials as jobs. The study's coordinator (the `tune` job, which alone asks the
 * sampler, in the deterministic window of trial-window.ts) submits each trial as a `tune-trial` job;
 * whichever worker claims it (the job row's compare-and-set) trains it and records its run. The
 * coordinator waits for the job and reads the trial back from tracking, exactly as a resumed study would.
 * A trial job whose worker dies is retried by the dead-worker sweep (its earlier run ends killed); one
 * that fails for good (attempts spent, an error) is recorded as a failed trial, so the study always ends
 * with its budget of ended trials. Stopping the coordinator cancels its trial jobs.
 */
import type { KilnError } from '../../core/errors.js';
import { ConflictError, InputError, InternalError, NotFoundError, UsageError } from '../../core/errors.js';
import type { JobService } from '../../jobs/job-service.js';
import type { ParamValues } from '../../ml/tuning/search-space.js';
import type { JobRecord, JsonValue } from '../../store/job-repository.js';
import type { TrackingService } from '../../tracking/tracking-service.js';
import type { TrainingData } from '../train-request.js';
import type { TrialOutcome } from './run-trial.js';
import { STUDY_TAGS } from './study-spec.js';
import { killOrphanTrials, loadEndedTrials } from './study-trials.js';

/** The job kind of one trial of a distributed study. */
export const TUNE_TRIAL_JOB_KIND = 'tune-trial';

/** One trial to run elsewhere. */
export interface DispatchedTrial {
  readonly studyRunId: string;
  readonly experiment: string;
  readonly number: number;
  readonly params: ParamValues;
  /** The study's K (trials in flight): the trial's pruner compares it with trials 0..number-K. */
  readonly parallel: number;
  readonly data: TrainingData;
  /** Metric key of the pruning curve on trial runs, or null. */
  readonly curveKey: string | null;
  readonly seed: number;
}

/** Runs a study's trials somewhere else than the asking process. */
export interface TrialDispatcher {
  /** Before the first trial: stops trial jobs an earlier coordinator of the study left; returns how many. */
  prepare(studyRunId: string): Promise<number>;
  /** Runs one trial; resolves with it as tracking recorded it, or `stopped` when `signal` fired first. */
  run(trial: DispatchedTrial, signal: AbortSignal): Promise<TrialOutcome>;
}

/** Options of the job dispatcher. */
export interface JobTrialDispatcherOptions {
  readonly jobs: JobService;
  /** Bound to the study's project. */
  readonly tracking: TrackingService;
  readonly project: string;
  /** How often a waiting coordinator reads its trial jobs (default 200 ms). */
  readonly pollMs?: number;
  /** A trial job queued this long gets a log line: no worker has a free slot (default 30 s). */
  readonly waitWarnMs?: number;
  readonly log?: (line: string) => void;
}

/** Trials as `tune-trial` jobs on any worker. */
export class JobTrialDispatcher implements TrialDispatcher {
  constructor(private readonly o: JobTrialDispatcherOptions) {}

  /** Cancels this study's trial jobs that are still queued or running (a coordinator before us died). */
  async prepare(studyRunId: string): Promise<number> {
    let cancelled = 0;
    let cursor: string | null = null;
    const stale: JobRecord[] = [];
    do {
      const page = await this.o.jobs.list({ project: this.o.project, kind: TUNE_TRIAL_JOB_KIND, status: ['queued', 'running'], page: { limit: 500, cursor } });
      stale.push(...page.items.filter((j) => (j.payload as { study?: unknown } | null)?.study === studyRunId));
      cursor = page.next;
    } while (cursor);
    for (const job of stale) {
      await this.o.jobs.cancel(job.id, { project: this.o.project });
      cancelled++;
    }
    // Give their workers a moment to end their runs themselves (within about a heartbeat); orphans are killed after.
    const until = Date.now() + 5000;
    for (const job of stale) {
      while (Date.now() < until && !isFinal((await this.o.jobs.get(job.id)).status)) await new Promise((r) => setTimeout(r, this.o.pollMs ?? 200));
    }
    if (cancelled > 0) this.o.log?.(`cancelled ${cancelled} trial jobs left by an earlier run of this study`);
    return cancelled;
  }

  /** Submits the trial's job, waits for it to end, and reads the trial back. */
  async run(trial: DispatchedTrial, signal: AbortSignal): Promise<TrialOutcome> {
    const started = Date.now();
    signal.throwIfAborted();
    const payload = { study: trial.studyRunId, number: trial.number, params: trial.params, parallel: trial.parallel, data: dataPayload(trial.data) } as unknown as JsonValue;
    const job = await this.o.jobs.submit({ kind: TUNE_TRIAL_JOB_KIND, project: this.o.project, payload });
    const onAbort = (): void => void this.o.jobs.cancel(job.id, { project: this.o.project }).catch(() => undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      const ended = await this.waitFor(job.id, trial.number, signal);
      if (ended === null) return stoppedOutcome(trial, started);
      if (ended.status === 'succeeded') {
        const runId = (ended.result as { runId?: unknown } | null)?.runId;
        if (typeof runId === 'string') {
          const view = await this.o.tracking.getRun(runId);
          const [outcome] = await loadEndedTrials(this.o.tracking, [view], trial.curveKey);
          if (outcome) return outcome;
        }
        return await this.recordFailure(trial, `trial job ${job.id} ended without an ended trial run`, new InternalError(`trial job ${job.id} ended without an ended trial run`), started);
      }
      const message = ended.error?.message ?? `trial job ${job.id} ${ended.status}`;
      return await this.recordFailure(trial, `trial job ${job.id} ${ended.status}: ${message}`, errorOf(ended), started);
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  /** The job once final, or null when the study was stopped first. */
  private async waitFor(id: string, number: number, signal: AbortSignal): Promise<JobRecord | null> {
    const since = Date.now();
    let warned = false;
    for (;;) {
      if (signal.aborted) return null;
      const job = await this.o.jobs.get(id);
      if (isFinal(job.status)) return job;
      if (!warned && job.status === 'queued' && Date.now() - since > (this.o.waitWarnMs ?? 30_000)) {
        warned = true;
        this.o.log?.(`trial ${number} (job ${id}) is still queued: no worker has a free slot (the study job holds one; run more workers or a higher --concurrency)`);
      }
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          resolve();
        };
        const timer = setTimeout(done, this.o.pollMs ?? 200);
        signal.addEventListener('abort', done, { once: true });
      });
    }
  }

  /**
   * Records the trial as failed in a run of its own. A run its job left open ends `killed` like any dead
   * attempt (the job's own process may be ending it killed at the same moment: both agree), so tracking
   * always holds exactly one ended run per trial number.
   */
  private async recordFailure(trial: DispatchedTrial, error: string, cause: unknown, started: number): Promise<TrialOutcome> {
    const { tracking } = this.o;
    const page = await tracking.searchRuns({ filter: `parentId = "${trial.studyRunId}" and tags.\`${STUDY_TAGS.trial}\` = "${trial.number}"`, orderBy: 'startedAt desc', page: { limit: 50 } });
    await killOrphanTrials(tracking, page.items, `its trial job ended without it: ${error}`.slice(0, 2000));
    const run = await tracking.startRun({
      experiment: trial.experiment,
      name: `trial-${trial.number}`,
      parentId: trial.studyRunId,
      seed: trial.seed,
      tags: { [STUDY_TAGS.trial]: String(trial.number), [STUDY_TAGS.trialParams]: JSON.stringify(trial.params), [STUDY_TAGS.trialState]: 'failed', [STUDY_TAGS.error]: error.slice(0, 2000) },
    });
    await tracking.endRun(run.id, 'failed');
    this.o.log?.(`trial ${trial.number} failed: ${error}`);
    return { number: trial.number, params: trial.params, state: 'failed', value: null, intermediate: new Map(), runId: run.id, bestIteration: null, prunedAt: null, error, durationMs: Date.now() - started, bundleHash: null, cause };
  }
}

/** A trial's data as a job payload carries it (a table in memory cannot travel). */
export function dataPayload(data: TrainingData): { dataset: string } | { file: string; readOptions?: unknown } {
  if ('dataset' in data) return { dataset: data.dataset };
  if ('file' in data) return { file: data.file, ...(data.readOptions ? { readOptions: data.readOptions } : {}) };
  throw new UsageError('a distributed study reads a registered dataset (NAME@VERSION) or a file that every worker sees', { field: 'distributed' });
}

function isFinal(status: JobRecord['status']): boolean {
  return status === 'succeeded' || status === 'failed' || status === 'cancelled';
}

function stoppedOutcome(trial: DispatchedTrial, started: number): TrialOutcome {
  return { number: trial.number, params: trial.params, state: 'failed', value: null, intermediate: new Map(), runId: '', bestIteration: null, prunedAt: null, error: 'the study was stopped', durationMs: Date.now() - started, bundleHash: null, stopped: true };
}

/** The error a failed trial job stands for, as the class of its code (the study reports the first one). */
function errorOf(job: JobRecord): KilnError {
  const message = job.error?.message ?? `trial job ${job.id} ${job.status}`;
  switch (job.error?.code) {
    case 'usage':
      return new UsageError(message);
    case 'input':
      return new InputError(message);
    case 'not_found':
      return new NotFoundError(message);
    case 'conflict':
      return new ConflictError(message);
    default:
      return new InternalError(message);
  }
}
