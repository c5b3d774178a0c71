/**
 * What one monitor run means for one rule, as a pure function: `breach` (the condition held in each of
 * the last N runs, the current one included), `pending` (the current run breaches but the streak is
 * shorter than N), `clear` (the current run does not breach: an open alert resolves), or `unknown` (the
 * run failed, its window was empty, or it did not produce the point: nothing changes, and the reason is
 * stated). A run that is not `ok` or lacks the point breaks a streak.
 */
import type { MonitorRunSummary } from '../monitor-run.js';
import type { AlertCondition } from './alert-condition.js';
import { conditionHolds, conditionPoint } from './alert-condition.js';

/** The verdict for one rule after one run. */
export interface RuleVerdict {
  readonly state: 'breach' | 'pending' | 'clear' | 'unknown';
  /** The current run's value of the point (null when it has none). */
  readonly value: number | null;
  /** Why, in words (shown in alert history and `--json`). */
  readonly reason: string;
}

/**
 * Judge `condition` after `current`, given earlier runs of the same monitor (`history`, newest first; it
 * may or may not already contain `current`, which is skipped by run id).
 */
export function evaluateCondition(condition: AlertCondition, current: MonitorRunSummary, history: readonly MonitorRunSummary[]): RuleVerdict {
  const what = condition.column === null ? condition.metric : `${condition.metric}(${condition.column})`;
  if (current.status !== 'ok') return { state: 'unknown', value: null, reason: `run ${current.runId} is ${current.status}${current.notes.length > 0 ? `: ${current.notes.join('; ')}` : ''}` };
  const point = conditionPoint(condition, current);
  if (point === undefined || !Number.isFinite(point.value)) return { state: 'unknown', value: null, reason: `run ${current.runId} produced no ${what}` };
  if (!conditionHolds(condition, point.value)) return { state: 'clear', value: point.value, reason: `${what} = ${point.value} does not satisfy ${condition.op} ${condition.value}` };
  const window = [current, ...history.filter((r) => r.runId !== current.runId)].slice(0, condition.runs);
  let streak = 0;
  for (const run of window) {
    const p = run.status === 'ok' ? conditionPoint(condition, run) : undefined;
    if (p === undefined || !conditionHolds(condition, p.value)) break;
    streak++;
  }
  if (streak < condition.runs) return { state: 'pending', value: point.value, reason: `${what} = ${point.value} breached in ${streak} of the ${condition.runs} consecutive runs needed` };
  return { state: 'breach', value: point.value, reason: `${what} = ${point.value} ${condition.op} ${condition.value}${condition.runs > 1 ? ` for ${condition.runs} runs` : ''}` };
}
