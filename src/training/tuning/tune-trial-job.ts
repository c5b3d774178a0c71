/**
 * The `tune-trial` job kind: one trial of a distributed study (trial-dispatcher.ts submits them). Any worker
 * that claims the job reads the study's stored spec from its run, loads the data (once per study per
 * process: study-data-cache.ts), ends runs an earlier attempt of the same trial left running (its worker
 * died), and runs the trial exactly as a local study would: same training options, same pruner, compared
 * with the study's ended trials 0..n-K read from tracking. The result names the trial's run; the
 * coordinator reads the trial back from tracking.
 */
import { ConflictError, InputError, UsageError } from '../../core/errors.js';
import type { ReadOptions } from '../../data/io/read-options.js';
import type { JobContext, JobHandler } from '../../jobs/job-handler.js';
import type { ParamValues } from '../../ml/tuning/search-space.js';
import type { ArtifactStore } from '../../store/artifact-store.js';
import type { JsonValue } from '../../store/job-repository.js';
import type { TrackingService } from '../../tracking/tracking-service.js';
import type { TrainingData } from '../train-request.js';
import type { TrainingService } from '../training-service.js';
import { curveMetricKey, runTrial } from './run-trial.js';
import { StudyDataCache } from './study-data-cache.js';
import { parseStoredSpec, STUDY_TAGS } from './study-spec.js';
import { killOrphanTrials, loadEndedTrials, studyChildRuns } from './study-trials.js';
import { studyObjective, studyPruner, trialContext } from './trial-context.js';

/** What a `tune-trial` job carries. */
export interface TuneTrialPayload {
  /** The study's run id. */
  readonly study: string;
  readonly number: number;
  readonly params: ParamValues;
  readonly parallel: number;
  readonly data: TrainingData;
}

const KNOWN = new Set(['study', 'number', 'params', 'parallel', 'data']);

/** Checks a payload (from the queue: anything). */
export function parseTuneTrialPayload(payload: unknown): TuneTrialPayload {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) throw new UsageError('a tune-trial job payload is an object {study, number, params, parallel, data}', { field: 'payload' });
  const p = payload as Record<string, unknown>;
  const unknown = Object.keys(p).find((k) => !KNOWN.has(k));
  if (unknown !== undefined) throw new UsageError(`a tune-trial job payload has no field "${unknown.slice(0, 64)}"`, { field: unknown.slice(0, 64) });
  if (typeof p.study !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(p.study)) throw new UsageError('study must be a study run id', { field: 'study' });
  for (const f of ['number', 'parallel'] as const) {
    const v = p[f];
    if (!(typeof v === 'number' && Number.isSafeInteger(v) && v >= (f === 'number' ? 0 : 1) && v <= 100_000)) throw new UsageError(`${f} must be a whole number`, { field: f });
  }
  const params = p.params;
  if (params === null || typeof params !== 'object' || Array.isArray(params) || !Object.values(params).every((v) => typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean')) {
    throw new UsageError('params must be an object of numbers, strings and booleans', { field: 'params' });
  }
  const d = p.data as Record<string, unknown> | null;
  let data: TrainingData;
  if (d !== null && typeof d === 'object' && typeof d.dataset === 'string') data = { dataset: d.dataset };
  else if (d !== null && typeof d === 'object' && typeof d.file === 'string' && d.file.startsWith('/')) data = { file: d.file, ...(d.readOptions && typeof d.readOptions === 'object' ? { readOptions: d.readOptions as ReadOptions } : {}) };
  else throw new UsageError('data must be {dataset: NAME@VERSION} or {file: ABSOLUTE_PATH}', { field: 'data' });
  return { study: p.study, number: p.number as number, params: params as ParamValues, parallel: p.parallel as number, data };
}

/** The `tune-trial` handler; its data cache lives as long as the handler. */
export function tuneTrialJobHandler(trackingService: TrackingService, trainingService: TrainingService, artifacts: ArtifactStore, cache = new StudyDataCache()): JobHandler {
  return async (ctx: JobContext): Promise<JsonValue> => {
    const p = parseTuneTrialPayload(ctx.payload);
    const tracking = trackingService.inProject(ctx.project);
    const training = trainingService.inProject(ctx.project);
    const study = await tracking.getRun(p.study);
    const spec = parseStoredSpec(study.tags[STUDY_TAGS.spec], study.id);
    // A study that ended (finished, cancelled) runs no more trials: this job outlived its coordinator.
    if (study.status !== 'running') throw new ConflictError(`study ${study.id} is ${study.status}; trial ${p.number} is not run`, { field: 'study', study: study.id });
    const key = `${ctx.project}\u0000${study.id}`;
    const { loaded, pool } = await cache.acquire(key, () => training.loadData(p.data));
    try {
      if (loaded.frame.rowCount !== spec.rows) throw new InputError(`the study's data has ${loaded.frame.rowCount} rows on this worker, ${spec.rows} when the study started`, { field: 'dataset', study: study.id }, 'Every worker must see the same data: a registered dataset version, or the same file.');
      const objective = studyObjective(loaded.frame, spec, spec.metric);
      const curveKey = objective.curve ? curveMetricKey(objective.curve) : null;
      const children = await studyChildRuns(tracking, study.id);
      const mine = String(p.number);
      // An earlier attempt of this trial (its worker died) left its run running: it ends killed.
      const killed = await killOrphanTrials(tracking, children.filter((r) => r.tags[STUDY_TAGS.trial] === mine));
      if (killed > 0) ctx.log(`ended ${killed} run(s) of trial ${p.number} left by an interrupted attempt`);
      const limit = p.number - p.parallel;
      const peers = spec.pruner === 'none' || curveKey === null || limit < 0 ? [] : await loadEndedTrials(tracking, children.filter((r) => Number(r.tags[STUDY_TAGS.trial]) <= limit), curveKey);
      const trialCtx = trialContext({
        tracking,
        artifacts,
        studyRunId: study.id,
        experiment: study.experiment,
        spec,
        objective,
        pruner: studyPruner(spec),
        loaded,
        pool,
        // As a local study with the same K splits threads: a trial trains the same wherever it runs.
        numThreads: Math.floor(training.threads / p.parallel),
        tags: { [STUDY_TAGS.trialJob]: ctx.jobId },
        ...(study.createdBy ? { createdBy: study.createdBy } : {}),
      });
      ctx.log(`trial ${p.number} of study ${study.id}: ${JSON.stringify(p.params)}`);
      const outcome = await runTrial(trialCtx, p.number, p.params, peers.filter((t) => t.number <= limit), ctx.signal);
      await ctx.linkRun(outcome.runId).catch(() => undefined);
      ctx.log(`trial ${p.number} ${outcome.state}${outcome.value !== null ? ` ${outcome.value}` : ''}${outcome.error ? `: ${outcome.error}` : ''}`);
      return { study: study.id, number: p.number, runId: outcome.runId, state: outcome.stopped ? 'killed' : outcome.state, value: outcome.value, error: outcome.error };
    } finally {
      cache.release(key);
    }
  };
}
