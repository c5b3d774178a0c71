/**
 * What a caller asks the training service for, and its validation. Requests arrive from the CLI, from
 * HTTP JSON and from library code, so every field is checked here and errors name the field
 * (`details.field`) as the request spells it; the CLI maps fields to its flags.
 */
import { UsageError } from '../core/errors.js';
import type { Frame } from '../core/frame.js';
import type { ReadOptions } from '../data/io/read-options.js';
import type { TaskRequest } from '../ml/train/target.js';

/** The tasks a request may ask for. */
export const TASK_REQUESTS: readonly TaskRequest[] = ['auto', 'binary', 'multiclass', 'regression', 'ranking'];

/**
 * The training data: a registered dataset version (`NAME@VERSION` / `NAME@latest`; the only form the
 * HTTP API accepts), a local file (the CLI), or a Frame (library callers).
 */
export type TrainingData = { readonly dataset: string } | { readonly file: string; readonly readOptions?: ReadOptions } | { readonly frame: Frame };

/** How to train. */
export interface TrainSpec {
  readonly target: string;
  readonly algo?: string;
  readonly task?: TaskRequest;
  /** Hyper-parameters of the algorithm (a JSON object). */
  readonly params?: Record<string, unknown>;
  readonly seed?: number;
  readonly testFraction?: number;
  readonly validFraction?: number;
  readonly cv?: number;
  readonly group?: string;
  readonly exclude?: readonly string[];
  readonly positiveClass?: string;
}

/** One training request. */
export interface TrainRequest extends TrainSpec {
  readonly data: TrainingData;
  /** Also write the bundle to this file (atomically: temp file + rename). */
  readonly out?: string;
}

/** Check the fields of a spec that do not need the data; throws a UsageError naming the field. */
export function checkTrainSpec(spec: TrainSpec): void {
  const fail = (field: string, what: string): never => {
    throw new UsageError(`${field} ${what}`, { field });
  };
  if (typeof spec.target !== 'string' || spec.target.length === 0) fail('target', 'must be a non-empty column name');
  if (spec.algo !== undefined && (typeof spec.algo !== 'string' || spec.algo.length === 0)) fail('algo', 'must be an algorithm name');
  if (spec.task !== undefined && !TASK_REQUESTS.includes(spec.task)) fail('task', `must be one of ${TASK_REQUESTS.join(', ')} (got ${JSON.stringify(spec.task)})`);
  if (spec.params !== undefined && (spec.params === null || typeof spec.params !== 'object' || Array.isArray(spec.params))) fail('params', 'must be a JSON object');
  if (spec.seed !== undefined && !(Number.isSafeInteger(spec.seed) && spec.seed >= 0)) fail('seed', `must be a non-negative integer (got ${String(spec.seed)})`);
  for (const field of ['testFraction', 'validFraction'] as const) {
    const v = spec[field];
    if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v))) fail(field, `must be a number (got ${String(v)})`);
  }
  if (spec.testFraction !== undefined && !(spec.testFraction > 0 && spec.testFraction < 1)) fail('testFraction', `must be in (0, 1) (got ${spec.testFraction})`);
  if (spec.validFraction !== undefined && !(spec.validFraction >= 0 && spec.validFraction < 1)) fail('validFraction', `must be in [0, 1) (got ${spec.validFraction})`);
  if (spec.cv !== undefined && !(Number.isSafeInteger(spec.cv) && spec.cv >= 0)) fail('cv', `must be a non-negative integer (got ${String(spec.cv)})`);
  if (spec.group !== undefined && (typeof spec.group !== 'string' || spec.group.length === 0)) fail('group', 'must be a column name');
  if (spec.positiveClass !== undefined && typeof spec.positiveClass !== 'string') fail('positiveClass', 'must be a string');
  if (spec.exclude !== undefined && (!Array.isArray(spec.exclude) || !spec.exclude.every((c) => typeof c === 'string' && c.length > 0))) {
    fail('exclude', 'must be a list of column names');
  }
}
