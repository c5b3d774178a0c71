/**
 * Target handling for supervised training: task inference, label ordering and encoding to numbers.
 */
import { InputError, UsageError } from '../../core/errors.js';
import { cellValue, isMissing } from '../../core/frame.js';
import type { Column } from '../../core/frame.js';
import type { Task } from '../../runtime/bundle-types.js';

/** A requested task; `auto` infers it from the target column. */
export type TaskRequest = Task | 'auto';

/** The encoded target. */
export interface EncodedTarget {
  readonly task: Task;
  /** Class index (classification) or value (regression/ranking). */
  readonly y: Float64Array;
  /** Class labels in model order (classification only). */
  readonly labels?: readonly string[];
}

const FALSY = new Set(['false', '0', 'no', 'n', 'f', '0.0']);

/** Sort labels as scikit-learn does (numerically when all numeric), with false/0/no before true/1/yes. */
export function sortLabels(labels: readonly string[]): string[] {
  const allNumeric = labels.every((l) => l.trim() !== '' && Number.isFinite(Number(l)));
  const sorted = [...labels].sort((a, b) => (allNumeric ? Number(a) - Number(b) : a < b ? -1 : a > b ? 1 : 0));
  if (sorted.length === 2) {
    const lower = sorted.map((s) => s.toLowerCase());
    if (FALSY.has(lower[1]) && !FALSY.has(lower[0])) sorted.reverse();
  }
  return sorted;
}

/** Check the target column, infer the task and encode it. */
export function encodeTarget(col: Column, request: TaskRequest, positiveClass?: string): EncodedTarget {
  const n = col.type === 'categorical' ? col.codes.length : col.values.length;
  let missing = 0;
  let firstMissing = -1;
  for (let i = 0; i < n; i++) {
    if (isMissing(col, i)) {
      missing++;
      if (firstMissing < 0) firstMissing = i;
    }
  }
  if (missing > 0) {
    throw new InputError(
      `target column "${col.name}" has ${missing} missing value(s) (first at row ${firstMissing + 1})`,
      { field: 'target', column: col.name, row: firstMissing + 1 },
      'Drop or fill rows without a target before training.',
    );
  }
  if (col.type === 'numeric') {
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(col.values[i])) {
        throw new InputError(`target column "${col.name}" has a non-finite value (${col.values[i]}) at row ${i + 1}`, { field: 'target', column: col.name, row: i + 1 }, 'Targets must be finite numbers.');
      }
    }
  }
  const distinct = new Map<string, number>();
  for (let i = 0; i < n && distinct.size <= 1_000_000; i++) {
    const key = String(cellValue(col, i));
    distinct.set(key, (distinct.get(key) ?? 0) + 1);
  }
  if (distinct.size < 2) {
    throw new InputError(`target column "${col.name}" is constant (every row is ${JSON.stringify([...distinct.keys()][0])})`, { field: 'target', column: col.name }, 'A model needs at least two different target values.');
  }
  const task = request === 'auto' ? inferTask(col, distinct.size, n) : request;
  if (task === 'regression' || task === 'ranking') {
    if (col.type !== 'numeric' && col.type !== 'boolean') {
      throw new UsageError(`task ${task} needs a numeric target, but "${col.name}" is ${col.type}`, { field: 'task', column: col.name }, 'Ask for a binary or multiclass task, or pick a numeric target.');
    }
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) y[i] = col.type === 'numeric' ? col.values[i] : col.values[i];
    return { task, y };
  }
  let labels = sortLabels([...distinct.keys()]);
  if (task === 'binary' && labels.length !== 2) {
    throw new InputError(`task binary needs exactly two classes, but "${col.name}" has ${labels.length}`, { field: 'task', column: col.name }, labels.length > 2 ? 'Ask for a multiclass task.' : undefined);
  }
  if (task === 'multiclass' && labels.length === n) {
    throw new InputError(
      `target "${col.name}" has ${n} classes in ${n} rows: every row is its own class, so there is nothing to learn (is it an identifier?)`,
      { column: col.name },
      'Pick a target with repeated values (pass identifiers with --exclude), or --task regression for a numeric target.',
    );
  }
  if (task === 'multiclass' && labels.length > 1000) {
    throw new InputError(`target "${col.name}" has ${labels.length} classes; multiclass supports at most 1000`, { field: 'target', column: col.name }, 'Did you mean a regression task?');
  }
  if (positiveClass !== undefined) {
    if (task !== 'binary') throw new UsageError('positiveClass only applies to binary tasks', { field: 'positiveClass' });
    if (!labels.includes(positiveClass)) throw new UsageError(`positiveClass "${positiveClass}" is not a value of "${col.name}" (values: ${labels.join(', ')})`, { field: 'positiveClass' });
    labels = [labels.find((l) => l !== positiveClass) as string, positiveClass];
  }
  const index = new Map(labels.map((l, k) => [l, k]));
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) y[i] = index.get(String(cellValue(col, i))) as number;
  return { task, y, labels };
}

function inferTask(col: Column, distinct: number, n: number): Task {
  if (distinct === 2) return 'binary';
  if (col.type === 'numeric') {
    let integral = true;
    for (let i = 0; i < n && integral; i++) integral = Number.isInteger(col.values[i]);
    return integral && distinct <= 10 && n >= 10 * distinct ? 'multiclass' : 'regression';
  }
  return 'multiclass';
}
