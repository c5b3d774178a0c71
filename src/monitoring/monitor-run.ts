/**
 * The contract between monitors (which produce results) and what reads them (alerts, actions, reports).
 * A monitor run yields points: one number per check x metric x column. Alert rules such as
 * `psi(age) > 0.2` read the point with metric `psi` and column `age`; `drift_share > 0.3 for 2 runs`
 * reads the column-less `drift_share` point of the last two runs.
 */

/** The checks a monitor can run (the `--checks` list of `kiln monitor create`). */
export type MonitorCheck = 'drift' | 'quality' | 'performance' | 'estimate' | 'operational' | 'data_quality' | 'concept';

/** One value a monitor run produced. */
export interface MonitorResultPoint {
  /** The check that produced it. */
  readonly check: MonitorCheck;
  /** Statistic or metric name: `drift_share`, `psi`, `ks_p_value`, `auc`, `estimated_auc`, `p99_ms`, `error_rate`, ... */
  readonly metric: string;
  /** The feature column for per-column statistics; null for monitor-wide values. */
  readonly column: string | null;
  /** The value (never NaN: a statistic that cannot be computed is left out and named in `notes`). */
  readonly value: number;
  /** For drift statistics: whether the column counts as drifted under its threshold. */
  readonly drifted?: boolean;
}

/** Everything one run of one monitor produced. */
export interface MonitorRunSummary {
  readonly project: string;
  readonly monitor: string;
  readonly endpoint: string;
  readonly runId: string;
  /** When the run finished (ISO 8601). */
  readonly at: string;
  /** The window of captured traffic the run looked at (ISO 8601, start inclusive, end exclusive). */
  readonly windowStart: string;
  readonly windowEnd: string;
  /** `empty`: the window held no rows (no points, stated in `notes`); `failed`: `notes` says why. */
  readonly status: 'ok' | 'empty' | 'failed';
  readonly points: readonly MonitorResultPoint[];
  /** Human-readable remarks: skipped statistics, assumptions (e.g. CBPE's calibration), failures. */
  readonly notes: readonly string[];
}

/** Called after every monitor run, in order per monitor; alerting subscribes through this. */
export type MonitorRunListener = (run: MonitorRunSummary) => Promise<void>;

/** Read access to past runs, newest first (what `for N runs` alert rules and reports need). */
export interface MonitorRunHistory {
  recentRuns(monitor: string, limit: number): Promise<readonly MonitorRunSummary[]>;
}
