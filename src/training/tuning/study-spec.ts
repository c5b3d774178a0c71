/**
 * A study's fixed settings (`StudySpec`), stored on the study's run as the tag `kiln.study.spec` so a
 * resumed study trains exactly as before, and the tags that make a run a study or a trial. A resumed
 * study must agree with its stored spec on everything that changes the objective or the sampling.
 */
import { UsageError } from '../../core/errors.js';
import type { TaskRequest } from '../../ml/train/target.js';
import type { Direction } from '../../ml/tuning/sampler.js';

/** Tag keys of a study's run and of its trials' runs. */
export const STUDY_TAGS = {
  /** The study's name; its presence marks a run as a study. */
  study: 'kiln.study',
  spec: 'kiln.study.spec',
  space: 'kiln.study.space',
  sampler: 'kiln.study.sampler',
  pruner: 'kiln.study.pruner',
  direction: 'kiln.study.direction',
  metric: 'kiln.study.metric',
  seed: 'kiln.study.seed',
  algo: 'kiln.study.algo',
  /** The task the target resolved to (binary, multiclass, regression). */
  task: 'kiln.study.task',
  parallel: 'kiln.study.parallel',
  trials: 'kiln.study.trials',
  /** 'true' when the study's trials run as `tune-trial` jobs on any worker. */
  distributed: 'kiln.study.distributed',
  owner: 'kiln.study.owner',
  heartbeat: 'kiln.study.heartbeat',
  bestRunId: 'kiln.study.bestRunId',
  bestValue: 'kiln.study.bestValue',
  importance: 'kiln.study.importance',
  stopReason: 'kiln.study.stopReason',
  /** The trial's number; its presence marks a run as a trial. */
  trial: 'kiln.trial',
  trialState: 'kiln.trial.state',
  trialParams: 'kiln.trial.params',
  prunedAt: 'kiln.trial.prunedAt',
  error: 'kiln.trial.error',
  /** The `tune-trial` job that ran the trial (distributed studies). */
  trialJob: 'kiln.trial.job',
} as const;

/** What fixes a study's objective and sampling. */
export interface StudySpec {
  /** A registered dataset reference or an absolute file path. */
  readonly data: string;
  /** Rows of the data when the study started (a resumed study refuses changed data). */
  readonly rows: number;
  readonly target: string;
  readonly algo: string;
  readonly task: TaskRequest;
  readonly exclude: readonly string[];
  readonly positiveClass: string | null;
  /** Fixed hyper-parameters of every trial. */
  readonly params: Record<string, unknown>;
  /** The search space document. */
  readonly space: Record<string, unknown>;
  readonly defaultSpace: boolean;
  readonly sampler: string;
  readonly pruner: string;
  readonly metric: string;
  readonly direction: Direction;
  readonly seed: number;
  readonly validFraction: number;
  readonly testFraction: number;
}

const MUST_MATCH: readonly (keyof StudySpec)[] = ['data', 'rows', 'target', 'algo', 'task', 'exclude', 'positiveClass', 'params', 'space', 'sampler', 'pruner', 'metric', 'seed', 'validFraction', 'testFraction'];

/** Throws a UsageError naming the first setting where a resumed study's request differs from its spec. */
export function checkSameSpec(stored: StudySpec, requested: StudySpec, study: string): void {
  for (const key of MUST_MATCH) {
    const a = JSON.stringify(stored[key]);
    const b = JSON.stringify(requested[key]);
    if (a !== b) {
      throw new UsageError(
        `study "${study}" was started with ${key} ${a}; this run asks for ${b}`,
        { field: key === 'data' ? 'dataset' : key, study },
        'Resume with the same settings (or only --resume ID), or start a new study with another --study name.',
      );
    }
  }
}

/** Parse the stored spec tag. */
export function parseStoredSpec(text: string | undefined, runId: string): StudySpec {
  try {
    if (text === undefined) throw new Error('missing');
    return JSON.parse(text) as StudySpec;
  } catch {
    throw new UsageError(`run ${runId} is not a tuning study (no readable ${STUDY_TAGS.spec} tag)`, { field: 'resume', runId });
  }
}

const STUDY_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** Study names: letters, digits, `.`, `_`, `-` (they go into run searches and file names). */
export function checkStudyName(name: unknown): string {
  if (typeof name !== 'string' || !STUDY_NAME.test(name)) {
    throw new UsageError(`study must be a name of letters, digits, ".", "_" and "-" (at most 100, starting with a letter or digit); got ${JSON.stringify(name)}`, { field: 'study' });
  }
  return name;
}
