/**
 * The runs this process has seen, per project and monitor, newest first and bounded: what `for N runs`
 * rules read when no monitor-run history is connected (`AlertService.useHistory`). Lost on restart, so a
 * connected `MonitorRunHistory` is what production uses.
 */
import type { MonitorRunSummary } from '../monitor-run.js';
import { MAX_CONDITION_RUNS } from './alert-condition.js';

/** Bounded in-memory run history. */
export class RecentRunsBuffer {
  private readonly runs = new Map<string, MonitorRunSummary[]>();
  private static readonly MAX_MONITORS = 1000;

  /** Remember a run (a run id seen before replaces its older copy). */
  add(run: MonitorRunSummary): void {
    const key = `${run.project}\u0000${run.monitor}`;
    const list = (this.runs.get(key) ?? []).filter((r) => r.runId !== run.runId);
    list.unshift(run);
    if (list.length > MAX_CONDITION_RUNS) list.length = MAX_CONDITION_RUNS;
    this.runs.delete(key);
    this.runs.set(key, list);
    // Forget the monitor heard from least recently when too many are tracked.
    if (this.runs.size > RecentRunsBuffer.MAX_MONITORS) this.runs.delete(this.runs.keys().next().value as string);
  }

  /** Up to `limit` runs of a monitor, newest first. */
  recentRuns(project: string, monitor: string, limit: number): readonly MonitorRunSummary[] {
    return (this.runs.get(`${project}\u0000${monitor}`) ?? []).slice(0, limit);
  }
}
