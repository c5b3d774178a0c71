/**
 * `runStudy`: a hyper-parameter tuning study as tracked runs. The study is a parent run (tags: name,
 * space, sampler, pruner, direction, metric, seed, and the full spec for resuming); each trial is a child
 * run (see run-trial.ts). Trials run K at a time in worker threads, asked in the deterministic window of
 * trial-window.ts. A study that finds its name (or `resume` id) already started continues it: trials a dead
 * process left running are marked killed and asked again, ended trials are reloaded, never re-run.
 * At the end the best trial's bundle is written to `out`, recorded as a trained model and linked to the
 * study's run, and parameter importance is computed. Written as a plain function over the services so that
 * a job handler can wrap it (`signal` cancels, `onProgress` reports).
 */
import { hostname } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { InputError, KilnError, UsageError } from '../../core/errors.js';
import { parseDatasetRef } from '../../data/datasets/data-ref.js';
import { getAlgorithm } from '../../ml/train/algorithms.js';
import type { TaskRequest } from '../../ml/train/target.js';
import { enumerateGrid } from '../../ml/tuning/grid-sampler.js';
import { createSampler } from '../../ml/tuning/tuning-registry.js';
import type { RunSummary } from '../../store/run-repository.js';
import type { ArtifactStore } from '../../store/artifact-store.js';
import type { TrackingService } from '../../tracking/tracking-service.js';
import type { TrainingService } from '../training-service.js';
import type { TrainingData } from '../train-request.js';
import { parseSpaceForAlgorithm, defaultSpaceDocument } from './algorithm-spaces.js';
import { checkFixedParams, checkRequest } from './study-request-check.js';
import { curveMetricKey, runTrial } from './run-trial.js';
import type { TrialOutcome } from './run-trial.js';
import { studyObjective, studyPruner, trialContext } from './trial-context.js';
import type { TrialDispatcher } from './trial-dispatcher.js';
import { finishStudy, pickBest } from './study-finish.js';
import { checkNotOwned, holdStudy } from './study-lock.js';
import { checkSameSpec, parseStoredSpec, STUDY_TAGS } from './study-spec.js';
import type { StudySpec } from './study-spec.js';
import { killOrphanTrials, loadEndedTrials, studyChildRuns } from './study-trials.js';
import { scheduleTrials } from './schedule-trials.js';
import { TrialWorkerPool } from './trial-worker-pool.js';
import type { StudyInfo, StudyProgress, StudyRequest, StudyResult } from './study-types.js';

/** The services a study uses (an open `Kiln` has them all). */
export interface StudyServices {
  readonly tracking: TrackingService;
  readonly training: TrainingService;
  readonly artifacts: ArtifactStore;
}

/** Cancellation and progress of one study run. */
export interface StudyRunOptions {
  readonly signal?: AbortSignal;
  /** After every ended trial. */
  readonly onProgress?: (p: StudyProgress) => void;
  /** Once the study is set up (before the first trial): what it is about to do. */
  readonly onStart?: (info: StudyInfo) => void;
  /**
   * The caller knows the study's previous owner is gone (a retried job: the job row's claim already makes
   * this process the only one), so a recent heartbeat of that owner on another host does not refuse it.
   */
  readonly takeOver?: boolean;
  /** Runs each trial elsewhere (a distributed study: trials as jobs on any worker) instead of on local threads. */
  readonly dispatcher?: TrialDispatcher;
}

/** The first this many trials to end all failing stops the study with the first one's error. */
const FAIL_FAST = 3;

/** Run (or resume) a study. */
export async function runStudy(services: StudyServices, request: StudyRequest, run: StudyRunOptions = {}): Promise<StudyResult> {
  const { tracking, training } = services;
  checkRequest(request);
  const signal = run.signal ?? new AbortController().signal;
  const existing = await findStudy(tracking, request);
  const stored = existing ? parseStoredSpec(existing.tags[STUDY_TAGS.spec], existing.id) : null;
  if (request.data === undefined && stored === null) throw new UsageError('data is required for a new study', { field: 'dataset' });
  const target = request.target ?? stored?.target;
  if (target === undefined) throw new UsageError('target is required for a new study', { field: 'target' });
  const algo = request.algo ?? stored?.algo ?? 'gbdt';
  const algorithm = getAlgorithm(algo);
  const params = request.params ?? stored?.params ?? {};
  checkFixedParams(algo, params);
  const spaceDoc = (request.space as Record<string, unknown> | undefined) ?? stored?.space ?? defaultSpaceDocument(algo);
  const space = parseSpaceForAlgorithm(spaceDoc, algo, params);
  if (existing && !run.takeOver) checkNotOwned(existing.name ?? existing.id, existing.status, existing.tags);
  signal.throwIfAborted();

  const source = request.data ?? dataFromRef(stored?.data as string);
  const loaded = await training.loadData(source);
  // A registered dataset is pinned to the version read, so that a resumed study trains on the same rows.
  const dataRef = loaded.dataset ? `${loaded.dataset.name}@${loaded.dataset.version}` : describeData(source);
  const frame = loaded.frame;
  if (!frame.has(target)) throw new InputError(`target column "${target}" not found`, { field: 'target', column: target }, `Columns are: ${frame.names.slice(0, 30).join(', ')}`);
  const taskRequest: TaskRequest = request.task ?? stored?.task ?? 'auto';
  const positiveClass = request.positiveClass ?? stored?.positiveClass ?? undefined;
  const objective = studyObjective(frame, { target, task: taskRequest, positiveClass: positiveClass ?? null, algo }, request.metric ?? stored?.metric);
  const { task, metric, curve } = objective;
  if (!algorithm.tasks.includes(task)) throw new UsageError(`algo ${algo} does not support ${task} tasks (it supports ${algorithm.tasks.join(', ')})`, { field: 'algo' });
  const seed = request.seed ?? stored?.seed ?? 42;
  const spec: StudySpec = {
    data: dataRef,
    rows: frame.rowCount,
    target,
    algo,
    task: taskRequest,
    exclude: request.exclude ?? stored?.exclude ?? [],
    positiveClass: positiveClass ?? null,
    params,
    space: spaceDoc,
    defaultSpace: request.space === undefined && (stored?.defaultSpace ?? true),
    sampler: request.sampler ?? stored?.sampler ?? 'tpe',
    pruner: request.pruner ?? stored?.pruner ?? 'median',
    metric: metric.name,
    direction: metric.direction,
    seed,
    validFraction: request.validFraction ?? stored?.validFraction ?? 0.1,
    testFraction: request.testFraction ?? stored?.testFraction ?? 0.2,
  };
  const name = existing?.name ?? request.study ?? `tune-${algo}-${new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)}`;
  if (stored) checkSameSpec(stored, spec, name);
  const parallel = request.parallel ?? 1;
  const total = request.trials ?? (stored ? Number(existing?.tags[STUDY_TAGS.trials]) || 20 : 20);
  const sampler = createSampler(spec.sampler, { seed });
  // A grid that cannot be enumerated (a float without a step, too many points) fails before any run exists.
  if (spec.sampler === 'grid') enumerateGrid(space);
  const pruner = studyPruner(spec);
  const dispatcher = run.dispatcher ?? null;
  if (dispatcher && 'frame' in source) throw new UsageError('a distributed study reads a registered dataset (NAME@VERSION) or a file that every worker sees', { field: 'distributed' });

  // The study's run: created, or taken over (reopened when a previous invocation ended it).
  const studyTags: Record<string, string> = {
    [STUDY_TAGS.parallel]: String(parallel),
    [STUDY_TAGS.trials]: String(total),
    [STUDY_TAGS.task]: task,
    ...(dispatcher ? { [STUDY_TAGS.distributed]: 'true' } : {}),
  };
  let studyRunId: string;
  if (existing) {
    studyRunId = existing.id;
    await tracking.reopenRun(studyRunId);
    await tracking.setTags(studyRunId, { [STUDY_TAGS.distributed]: null, ...studyTags, [STUDY_TAGS.stopReason]: null });
  } else {
    const created = await tracking.startRun({
      experiment: request.experiment ?? 'default',
      name,
      seed,
      ...(request.createdBy ? { createdBy: request.createdBy } : {}),
      params: { algo, target, metric: metric.name, sampler: spec.sampler, pruner: spec.pruner, seed },
      tags: {
        ...studyTags,
        [STUDY_TAGS.study]: name,
        [STUDY_TAGS.spec]: JSON.stringify(spec),
        [STUDY_TAGS.space]: JSON.stringify(spaceDoc),
        [STUDY_TAGS.sampler]: spec.sampler,
        [STUDY_TAGS.pruner]: spec.pruner,
        [STUDY_TAGS.direction]: metric.direction,
        [STUDY_TAGS.metric]: metric.name,
        [STUDY_TAGS.seed]: String(seed),
        [STUDY_TAGS.algo]: algo,
      },
    });
    studyRunId = created.id;
    if (loaded.dataset) await tracking.logInputs(studyRunId, [loaded.dataset]);
  }
  const experiment = existing?.experiment ?? request.experiment ?? 'default';
  const lock = await holdStudy(tracking, studyRunId);
  const pool = new TrialWorkerPool(frame);
  try {
    // Trial jobs an earlier coordinator of this study left queued or running are stopped before their runs are.
    if (dispatcher) await dispatcher.prepare(studyRunId);
    const children = await studyChildRuns(tracking, studyRunId);
    const killed = await killOrphanTrials(tracking, children);
    const curveKey = curve ? curveMetricKey(curve) : null;
    // Re-read after kills, and always for a distributed study: a trial job may have ended its own run meanwhile.
    const previous = await loadEndedTrials(tracking, killed > 0 || dispatcher ? await studyChildRuns(tracking, studyRunId) : children, curveKey);
    const info: StudyInfo = { studyId: studyRunId, name, experiment, resumed: existing !== null, previousTrials: previous.length, killedTrials: killed, total, parallel, task, metric: metric.name, direction: metric.direction, sampler: spec.sampler, pruner: spec.pruner, space: spaceDoc, defaultSpace: spec.defaultSpace, seed };
    run.onStart?.(info);

    const ctx = trialContext({
      tracking,
      artifacts: services.artifacts,
      studyRunId,
      experiment,
      spec,
      objective,
      pruner,
      loaded,
      pool,
      numThreads: Math.floor(training.threads / parallel),
      ...(request.createdBy ? { createdBy: request.createdBy } : {}),
    });

    const deadline = request.timeoutSeconds !== undefined ? Date.now() + request.timeoutSeconds * 1000 : Infinity;
    let firstFailure: unknown = null;
    let endedHere = 0;
    let failedHere = 0;
    const { ended: outcomes, stop } = await scheduleTrials<TrialOutcome>({
      total,
      parallel,
      seed,
      space,
      sampler,
      direction: metric.direction,
      previous,
      deadline,
      signal,
      execute: (n, params, peers) =>
        dispatcher ? dispatcher.run({ studyRunId, experiment, number: n, params, parallel, data: source, curveKey, seed }, signal) : runTrial(ctx, n, params, peers, signal),
      onEnded: (outcome, ended, running) => {
        endedHere++;
        if (outcome.state === 'failed') {
          failedHere++;
          firstFailure ??= outcome.cause ?? new InputError(outcome.error ?? 'trial failed');
        }
        const b = pickBest([...ended.values()], metric.direction);
        run.onProgress?.({
          done: ended.size,
          total,
          running,
          fraction: Math.min(1, ended.size / total),
          best: b ? { number: b.number, runId: b.runId, value: b.value as number } : null,
          last: { number: outcome.number, state: outcome.state, value: outcome.value, prunedAt: outcome.prunedAt, error: outcome.error },
        });
        return failedHere === FAIL_FAST && endedHere === FAIL_FAST ? 'failures' : null;
      },
    });
    // Nothing but failures (the first few, or every trial of a small study): report the first error.
    if (stop === 'failures' || (firstFailure !== null && pickBest([...outcomes.values()], metric.direction) === null)) throw firstFailure;
    return await finishStudy(services, { studyRunId, name, experiment, spec, space, total, parallel, distributed: dispatcher !== null, task, stop: stop ?? 'budget', outcomes, out: request.out, loaded, resumed: existing !== null });
  } catch (err) {
    await tracking.endRun(studyRunId, signal.aborted ? 'killed' : 'failed').catch(() => undefined);
    throw err;
  } finally {
    lock.stop();
    await pool.close();
  }
}

/** The study named by `resume` (an id) or `study` (a name in the experiment), or null for a new one. */
async function findStudy(tracking: TrackingService, r: StudyRequest): Promise<RunSummary | null> {
  if (r.resume !== undefined) {
    const view = await tracking.getRun(r.resume);
    if (view.tags[STUDY_TAGS.study] === undefined) throw new UsageError(`run ${r.resume} is not a tuning study`, { field: 'resume', runId: r.resume }, 'Pass the study id that `kiln tune` printed (the study run\'s id).');
    if (r.study !== undefined && view.tags[STUDY_TAGS.study] !== r.study) throw new UsageError(`run ${r.resume} is study "${view.tags[STUDY_TAGS.study]}", not "${r.study}"`, { field: 'study' });
    return view;
  }
  if (r.study === undefined) return null;
  const page = await tracking
    .searchRuns({ filter: `tags.\`${STUDY_TAGS.study}\` = "${r.study}"`, experiments: [r.experiment ?? 'default'], orderBy: 'startedAt asc', page: { limit: 2 } })
    .catch((err: unknown) => {
      // No such experiment yet: no such study either.
      if (err instanceof KilnError && err.code === 'not_found') return { items: [], next: null };
      throw err;
    });
  return page.items.find((run) => run.parentId === null) ?? null;
}

function describeData(data: TrainingData): string {
  if ('dataset' in data) return data.dataset;
  if ('file' in data) return isAbsolute(data.file) ? data.file : resolve(data.file);
  return `frame:${hostname()}`;
}

function dataFromRef(ref: string): TrainingData {
  if (ref.startsWith('frame:')) throw new UsageError('this study was started on an in-memory table; pass data to resume it', { field: 'dataset' });
  return parseDatasetRef(ref) !== null && !isAbsolute(ref) ? { dataset: ref } : { file: ref };
}
