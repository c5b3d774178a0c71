/**
 * The metrics a study can optimize (`--metric`): each names the validation metric the objective reads
 * (`TrainResult.validMetrics`, Kiln's metric names), the GBDT evaluation metric whose per-iteration
 * validation curve feeds the pruners (and drives early stopping), its direction and the tasks it fits.
 * Metrics without a curve still tune; pruners then have nothing to act on.
 */
import { UsageError } from '../../core/errors.js';
import type { Direction } from '../../ml/tuning/sampler.js';
import type { Task } from '../../runtime/bundle-types.js';

/** One optimizable metric. */
export interface TuningMetric {
  /** As `--metric` spells it. */
  readonly name: string;
  /** Key in the validation (and test) metrics. */
  readonly key: string;
  /** GBDT eval metric of the pruning curve, per task. */
  readonly curve: Partial<Record<Task, string>>;
  readonly direction: Direction;
  readonly tasks: readonly Task[];
}

const TABLE: readonly TuningMetric[] = [
  { name: 'auc', key: 'roc_auc', curve: { binary: 'auc' }, direction: 'maximize', tasks: ['binary'] },
  { name: 'logloss', key: 'log_loss', curve: { binary: 'logloss', multiclass: 'mlogloss' }, direction: 'minimize', tasks: ['binary', 'multiclass'] },
  { name: 'average_precision', key: 'average_precision', curve: {}, direction: 'maximize', tasks: ['binary'] },
  { name: 'accuracy', key: 'accuracy', curve: {}, direction: 'maximize', tasks: ['binary', 'multiclass'] },
  { name: 'f1', key: 'f1', curve: {}, direction: 'maximize', tasks: ['binary'] },
  { name: 'f1_macro', key: 'f1_macro', curve: {}, direction: 'maximize', tasks: ['multiclass'] },
  { name: 'rmse', key: 'rmse', curve: { regression: 'rmse' }, direction: 'minimize', tasks: ['regression'] },
  { name: 'mae', key: 'mae', curve: { regression: 'mae' }, direction: 'minimize', tasks: ['regression'] },
  { name: 'r2', key: 'r2', curve: {}, direction: 'maximize', tasks: ['regression'] },
];

const ALIASES: Readonly<Record<string, string>> = { roc_auc: 'auc', log_loss: 'logloss' };

/** The default metric of a task. */
export const DEFAULT_METRIC: Readonly<Partial<Record<Task, string>>> = { binary: 'auc', multiclass: 'logloss', regression: 'rmse' };

/** Names `--metric` accepts. */
export const TUNING_METRIC_NAMES: readonly string[] = TABLE.map((m) => m.name);

/** Look a metric up by name (or alias); UsageError naming `metric` otherwise. */
export function tuningMetric(name: unknown): TuningMetric {
  const canonical = typeof name === 'string' && Object.hasOwn(ALIASES, name) ? ALIASES[name] : name;
  const found = TABLE.find((m) => m.name === canonical);
  if (!found) throw new UsageError(`metric must be one of ${TUNING_METRIC_NAMES.join(', ')} (got ${JSON.stringify(name)})`, { field: 'metric' });
  return found;
}

/** The metric for a task: the named one (checked against the task) or the task's default. */
export function metricForTask(name: string | undefined, task: Task): TuningMetric {
  const chosen = name ?? DEFAULT_METRIC[task];
  if (chosen === undefined) throw new UsageError(`tuning supports binary, multiclass and regression targets, not ${task}`, { field: 'task' });
  const metric = tuningMetric(chosen);
  if (!metric.tasks.includes(task)) {
    throw new UsageError(`metric ${metric.name} does not apply to a ${task} target (it fits ${metric.tasks.join(', ')})`, { field: 'metric' }, `For ${task} targets use --metric ${TABLE.filter((m) => m.tasks.includes(task)).map((m) => m.name).join(' | ')}.`);
  }
  return metric;
}
