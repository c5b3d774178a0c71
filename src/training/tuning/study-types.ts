/** What a study is asked for, what it reports while it runs, and what it returns. */
import type { TaskRequest } from '../../ml/train/target.js';
import type { Direction, TrialState } from '../../ml/tuning/sampler.js';
import type { ParamValues } from '../../ml/tuning/search-space.js';
import type { TrainingData } from '../train-request.js';
import type { TrialOutcome } from './run-trial.js';

/** A study request (fields as `details.field` names them in errors). */
export interface StudyRequest {
  /** Required for a new study; a resumed one reuses its stored source. */
  readonly data?: TrainingData;
  readonly target?: string;
  /** Default gbdt. */
  readonly algo?: string;
  readonly task?: TaskRequest;
  readonly exclude?: readonly string[];
  readonly positiveClass?: string;
  /** Fixed hyper-parameters of every trial. */
  readonly params?: Record<string, unknown>;
  /** A search-space document; default: the algorithm's default space. */
  readonly space?: unknown;
  /** Total trials of the study (a resumed study runs the missing ones); default 20. */
  readonly trials?: number;
  /** tpe (default) | random | grid. */
  readonly sampler?: string;
  /** median (default) | successive-halving | hyperband | none. */
  readonly pruner?: string;
  /** Trials at once (default 1). */
  readonly parallel?: number;
  /** Metric to optimize (default: auc for binary, logloss for multiclass, rmse for regression). */
  readonly metric?: string;
  /** Start no new trial after this many seconds (running ones finish). */
  readonly timeoutSeconds?: number;
  /** Seed of the sampler and of every trial's training (default 42). */
  readonly seed?: number;
  /** Experiment of a new study (default `default`). */
  readonly experiment?: string;
  /** Study name: continued when it exists in the experiment, created otherwise. */
  readonly study?: string;
  /** Id of a study (its run) to continue. */
  readonly resume?: string;
  /** Where to write the best model's bundle. */
  readonly out?: string;
  readonly validFraction?: number;
  readonly testFraction?: number;
  readonly createdBy?: string;
}

/** Why a study stopped asking for trials. */
export type StopReason = 'budget' | 'grid-exhausted' | 'timeout' | 'failures';

/** What a study is about to do (before its first trial). */
export interface StudyInfo {
  readonly studyId: string;
  readonly name: string;
  readonly experiment: string;
  readonly resumed: boolean;
  /** Trials that had ended before this run (a resumed study). */
  readonly previousTrials: number;
  /** Trials a dead process had left running, now marked killed and asked again. */
  readonly killedTrials: number;
  readonly total: number;
  readonly parallel: number;
  readonly task: string;
  readonly metric: string;
  readonly direction: Direction;
  readonly sampler: string;
  readonly pruner: string;
  readonly space: Record<string, unknown>;
  readonly defaultSpace: boolean;
  readonly seed: number;
}

/** Progress after each ended trial. */
export interface StudyProgress {
  readonly done: number;
  readonly total: number;
  readonly running: number;
  /** done / total, for a job's progress. */
  readonly fraction: number;
  readonly best: { number: number; runId: string; value: number } | null;
  readonly last: { number: number; state: TrialState; value: number | null; prunedAt: number | null; error: string | null };
}

/** A finished study. */
export interface StudyResult {
  readonly study: {
    /** The study's id: its run's id. */
    readonly id: string;
    readonly runId: string;
    readonly name: string;
    readonly experiment: string;
    readonly status: string;
    readonly algo: string;
    readonly task: string;
    readonly metric: string;
    readonly direction: Direction;
    readonly sampler: string;
    readonly pruner: string;
    readonly seed: number;
    readonly parallel: number;
    /** Trials ran as `tune-trial` jobs on any worker (docs/tuning.md). */
    readonly distributed: boolean;
    readonly budget: number;
    readonly space: Record<string, unknown>;
    readonly defaultSpace: boolean;
    readonly resumed: boolean;
    readonly stopReason: StopReason;
  };
  /** Every ended trial, by number. */
  readonly trials: readonly TrialOutcome[];
  readonly best: { runId: string; number: number; value: number; params: ParamValues } | null;
  /** The best model's bundle file, when `out` was given. */
  readonly model: string | null;
  /** The best model's trained-model record. */
  readonly modelId: string | null;
  /** Parameter importance (param-importance.ts), summing to 1. */
  readonly importance: Record<string, number>;
}
