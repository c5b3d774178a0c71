/**
 * The monitor repository (`metadata.monitors`, migration 13): versioned baselines, monitor specs with their
 * schedule position, and every monitor run with its result points (one number per check x metric x column,
 * the time series alert rules and reports read). Project-scoped like every resource; only `scheduled()`
 * spans projects (the scheduler serves them all). Held to its semantics by `monitor-repository.contract.ts`.
 */
import type { Page, PageRequest } from './page.js';

/** A stored baseline version. */
export interface BaselineRecord {
  readonly project: string;
  readonly name: string;
  /** 1, 2, ... per name. */
  readonly version: number;
  /** Where it came from: a model bundle's training statistics, a dataset version, or a capture window. */
  readonly sourceKind: 'model' | 'dataset' | 'capture';
  /** The source as written: a model reference, `NAME@VERSION`, or `ENDPOINT[FROM,TO)`. */
  readonly source: string;
  /** sha256 of the baseline document (JSON) in the artifact store. */
  readonly documentHash: string;
  /** sha256 of a Parquet file of reference rows (dataset and capture baselines), else null. */
  readonly sampleHash: string | null;
  /** Rows the baseline summarizes. */
  readonly rows: number;
  /** Its columns (names), bounded: the document holds the statistics. */
  readonly columns: readonly string[];
  readonly createdAt: string;
  readonly createdBy: string;
}

/** A baseline to store; the version is assigned. */
export type NewBaseline = Omit<BaselineRecord, 'project' | 'version'>;

/** A stored monitor. `spec` is the checked, frozen JSON of the monitor (see monitoring/monitors/monitor-spec.ts). */
export interface MonitorRecord {
  readonly project: string;
  readonly name: string;
  readonly endpoint: string;
  readonly spec: Readonly<Record<string, unknown>>;
  /** The cron expression, or null for a monitor run only on demand. */
  readonly schedule: string | null;
  /** The last scheduled time a run was submitted for (ISO), or null: the scheduler's position. */
  readonly lastScheduledAt: string | null;
  readonly createdAt: string;
  readonly createdBy: string;
}

/** One stored result point (the wire shape of `MonitorResultPoint` plus where it belongs). */
export interface StoredMonitorPoint {
  readonly check: string;
  readonly metric: string;
  readonly column: string | null;
  readonly value: number;
  readonly drifted?: boolean;
}

/** One stored run. */
export interface StoredMonitorRun {
  readonly project: string;
  readonly monitor: string;
  readonly endpoint: string;
  readonly runId: string;
  readonly at: string;
  readonly windowStart: string;
  readonly windowEnd: string;
  readonly status: 'ok' | 'empty' | 'failed';
  readonly points: readonly StoredMonitorPoint[];
  readonly notes: readonly string[];
}

/** A time-series query over one monitor's points. */
export interface MonitorPointQuery {
  readonly monitor: string;
  readonly check?: string;
  readonly metric?: string;
  /** A column name; null for monitor-wide points only; absent for any. */
  readonly column?: string | null;
  /** Runs at or after / before these ISO times. */
  readonly from?: string;
  readonly to?: string;
  /** Newest points kept (default 1000, at most 10000). */
  readonly limit?: number;
}

/** A point with its run. */
export interface MonitorSeriesPoint extends StoredMonitorPoint {
  readonly runId: string;
  readonly at: string;
}

/** Baselines, monitors and runs of the store's project. */
export interface MonitorRepository {
  /** Store a new version of a baseline (version = previous + 1, or 1). */
  createBaseline(baseline: NewBaseline): Promise<BaselineRecord>;
  /** One version, or the latest when `version` is absent; null when none. */
  getBaseline(name: string, version?: number): Promise<BaselineRecord | null>;
  /** Latest version of every baseline, by name. */
  listBaselines(page?: PageRequest): Promise<Page<BaselineRecord>>;
  /** ConflictError when the name is taken. */
  createMonitor(monitor: Omit<MonitorRecord, 'project' | 'lastScheduledAt'> & { readonly lastScheduledAt?: string | null }): Promise<MonitorRecord>;
  getMonitor(name: string): Promise<MonitorRecord | null>;
  listMonitors(page?: PageRequest): Promise<Page<MonitorRecord>>;
  /** Deletes the monitor with its runs and points; false when there was none. */
  deleteMonitor(name: string): Promise<boolean>;
  /** Moves the schedule position from `expected` to `next` only if it is still `expected` (compare-and-set). */
  claimSchedule(name: string, expected: string | null, next: string | null): Promise<boolean>;
  /** Every scheduled monitor of every project (the scheduler's view). */
  scheduled(): Promise<MonitorRecord[]>;
  /** Store a run with its points in one transaction. */
  recordRun(run: StoredMonitorRun): Promise<void>;
  /** Runs of one monitor, newest first. */
  recentRuns(monitor: string, limit: number): Promise<StoredMonitorRun[]>;
  /** One run, or null. */
  getRun(runId: string): Promise<StoredMonitorRun | null>;
  /** Points of one monitor, oldest first (the newest `limit`). */
  series(query: MonitorPointQuery): Promise<MonitorSeriesPoint[]>;
  /** Every artifact hash a baseline of any project references (for gc). */
  artifactHashes(): Promise<string[]>;
}
