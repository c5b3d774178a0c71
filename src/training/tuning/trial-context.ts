/**
 * What every trial of a study shares, built from the study's stored spec and its loaded data: the
 * objective (task, metric, pruning curve), the pruner and the training options. One function for the
 * process that runs a whole study (run-study.ts) and for a worker that runs single trials of a
 * distributed study (tune-trial-job.ts), so that a trial trains identically wherever it runs.
 */
import { int64AsNumeric } from '../../core/frame.js';
import type { Frame } from '../../core/frame.js';
import { GBDT_DEFAULTS, parseGbdtParams } from '../../ml/gbdt/gbdt-params.js';
import { encodeTarget } from '../../ml/train/target.js';
import type { Pruner } from '../../ml/tuning/pruner.js';
import { createPruner } from '../../ml/tuning/tuning-registry.js';
import type { Task } from '../../runtime/bundle-types.js';
import type { ArtifactStore } from '../../store/artifact-store.js';
import type { TrackingService } from '../../tracking/tracking-service.js';
import { KILN_VERSION } from '../../version.js';
import type { LoadedTrainingData } from '../training-service.js';
import type { TrialContext } from './run-trial.js';
import type { StudySpec } from './study-spec.js';
import { metricForTask } from './tuning-metric.js';
import type { TuningMetric } from './tuning-metric.js';

/** The objective a study optimizes on its data. */
export interface StudyObjective {
  readonly task: Task;
  readonly metric: TuningMetric;
  /** GBDT eval metric of the pruning curve, or null (linear models: pruners never act). */
  readonly curve: string | null;
}

/** Task, metric and pruning curve of a study (the target must be a column of `frame`). */
export function studyObjective(frame: Frame, spec: Pick<StudySpec, 'target' | 'task' | 'positiveClass' | 'algo'>, metricName: string | undefined): StudyObjective {
  const task = encodeTarget(int64AsNumeric(frame.select([spec.target])).column(spec.target), spec.task, spec.positiveClass ?? undefined).task;
  const metric = metricForTask(metricName, task);
  return { task, metric, curve: spec.algo === 'gbdt' ? (metric.curve[task] ?? null) : null };
}

/** The study's pruner (its maximum resource is the number of trees). */
export function studyPruner(spec: Pick<StudySpec, 'algo' | 'pruner' | 'params'>): Pruner {
  const fixedGbdt = spec.algo === 'gbdt' ? parseGbdtParams(spec.params) : null;
  return createPruner(spec.pruner, { maxSteps: fixedGbdt?.numTrees ?? GBDT_DEFAULTS.numTrees });
}

/** Where the trials of a study run and record. */
export interface TrialContextInput {
  readonly tracking: TrackingService;
  readonly artifacts: ArtifactStore;
  readonly studyRunId: string;
  readonly experiment: string;
  readonly spec: StudySpec;
  readonly objective: StudyObjective;
  readonly pruner: Pruner;
  readonly loaded: LoadedTrainingData;
  readonly pool: TrialContext['pool'];
  /** Threads of one trial's training. */
  readonly numThreads: number;
  readonly createdBy?: string;
  readonly tags?: Readonly<Record<string, string>>;
}

/** The shared context of a study's trials. */
export function trialContext(i: TrialContextInput): TrialContext {
  const { spec, objective } = i;
  return {
    tracking: i.tracking,
    artifacts: i.artifacts,
    studyRunId: i.studyRunId,
    experiment: i.experiment,
    pool: i.pool,
    dataset: i.loaded.dataset,
    train: {
      target: spec.target,
      algo: spec.algo,
      task: spec.task,
      seed: spec.seed,
      testFraction: spec.testFraction,
      validFraction: spec.validFraction,
      exclude: spec.exclude,
      ...(spec.positiveClass !== null ? { positiveClass: spec.positiveClass } : {}),
      ...(i.loaded.dataset ? { dataHash: i.loaded.dataset.hash } : {}),
      kilnVersion: KILN_VERSION,
      numThreads: Math.max(1, i.numThreads),
    },
    // Trials need only the validation curve: the training-set pass per iteration is skipped unless asked for.
    fixedParams: { ...(spec.algo === 'gbdt' ? { evalTrain: false } : {}), ...spec.params, ...(objective.curve ? { evalMetric: objective.curve } : {}) },
    metricKey: objective.metric.key,
    curve: objective.curve,
    direction: objective.metric.direction,
    pruner: i.pruner,
    seed: spec.seed,
    ...(i.createdBy ? { createdBy: i.createdBy } : {}),
    ...(i.tags ? { tags: i.tags } : {}),
  };
}
