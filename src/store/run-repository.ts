/**
 * The run repository (`metadata.runs`): tracked runs with their params (immutable), metric series,
 * latest metric values (what search and ordering read), tags (mutable), artifacts, inputs and outputs.
 * Every write to a run checks, in the same transaction that holds the run's row lock, that the run is
 * still queued or running: logging to an ended run is a ConflictError, and concurrent writers to one run
 * serialize instead of interleaving half-written batches.
 *
 * Metric values: any double, including NaN and ±Infinity, stored and returned as such. ±Infinity are
 * ordinary doubles on both SQLite and PostgreSQL; NaN is stored as SQL NULL (SQLite turns NaN into NULL
 * anyway), so in search NaN compares false to everything, as in IEEE arithmetic, and sorts last.
 */
import type { Page, PageRequest } from './page.js';

/** Lifecycle states; `queued` and `running` accept logging, the others are final. */
export const RUN_STATUSES = ['queued', 'running', 'finished', 'failed', 'killed'] as const;
/** One lifecycle state. */
export type RunStatus = (typeof RUN_STATUSES)[number];
/** The final states. */
export const FINAL_RUN_STATUSES: readonly RunStatus[] = ['finished', 'failed', 'killed'];

/** Facts about where and how a run ran. */
export interface RunSystemFacts {
  durationMs?: number;
  peakMemoryBytes?: number;
  kilnVersion?: string;
  gitCommit?: string | null;
  seed?: number | null;
  host?: string;
  [key: string]: unknown;
}

/** A new run. */
export interface NewRun {
  id: string;
  experimentId: string;
  name?: string | null;
  status?: 'queued' | 'running';
  parentId?: string | null;
  startedAt: string;
  createdBy?: string | null;
  system?: RunSystemFacts;
}

/** A run row with its experiment's name. */
export interface RunRecord {
  id: string;
  experimentId: string;
  experiment: string;
  name: string | null;
  status: RunStatus;
  parentId: string | null;
  startedAt: string;
  endedAt: string | null;
  createdBy: string | null;
  system: RunSystemFacts;
}

/** A run with its params, latest metric values and tags: one row of a search. */
export interface RunSummary extends RunRecord {
  params: Record<string, string>;
  /** The latest value of each metric (highest step, then latest timestamp). */
  metrics: Record<string, number>;
  tags: Record<string, string>;
}

/** One metric point. */
export interface MetricPoint {
  key: string;
  value: number;
  step: number;
  /** Milliseconds since the epoch. */
  timestamp: number;
}

/** A stored artifact of a run. */
export interface RunArtifact {
  path: string;
  hash: string;
  size: number;
}

/** A dataset version a run read. */
export interface RunInput {
  name: string;
  version: number;
  hash: string;
}

/** Something a run produced: `kind` says what `ref` is (`bundle` artifact hash, `model` id, ...). */
export interface RunOutput {
  kind: string;
  ref: string;
}

/** Everything about one run. */
export interface RunDetails extends RunSummary {
  artifacts: RunArtifact[];
  inputs: RunInput[];
  outputs: RunOutput[];
}

/** One filter clause, as `src/tracking/run-query.ts` parses it (attributes: status, experiment, name, id, parentId, startedAt, endedAt). */
export interface RunQueryClause {
  readonly kind: 'metric' | 'param' | 'tag' | 'attribute';
  readonly key: string;
  readonly op: '=' | '!=' | '<' | '<=' | '>' | '>=' | 'like' | 'ilike' | 'in';
  readonly value: number | string | readonly (number | string)[];
}

/** One order term. */
export interface RunOrder {
  readonly kind: 'metric' | 'param' | 'tag' | 'attribute';
  readonly key: string;
  readonly direction: 'asc' | 'desc';
}

/** A search: parsed filter clauses, order terms (ties broken by id), an experiment restriction, a page. */
export interface RunSearch {
  filter?: readonly RunQueryClause[];
  orderBy?: readonly RunOrder[];
  /** Restrict to these experiment ids. */
  experimentIds?: readonly string[];
  page?: PageRequest;
}

/** Runs of one project (`metadata.inProject(p).runs`): another project's run ids are unknown here; `artifactHashes` spans all. */
export interface RunRepository {
  /** Creates a run; an unknown experiment or parent is a NotFoundError. */
  create(input: NewRun): Promise<RunRecord>;
  /** One run, or null. */
  get(id: string): Promise<RunRecord | null>;
  /** One run with everything logged to it, or null. */
  getDetails(id: string): Promise<RunDetails | null>;
  /** Params are immutable: re-logging the same value is a no-op, a different value a ConflictError. */
  logParams(runId: string, params: Readonly<Record<string, string>>): Promise<void>;
  /** Appends metric points and updates the latest values, in one transaction. */
  logMetrics(runId: string, points: readonly MetricPoint[]): Promise<void>;
  /** Sets (overwrites) tags; a null value deletes the tag. */
  setTags(runId: string, tags: Readonly<Record<string, string | null>>): Promise<void>;
  /** Records an artifact under a path (replacing an earlier one at that path). */
  addArtifact(runId: string, artifact: RunArtifact): Promise<void>;
  /** Records dataset versions read (idempotent). */
  addInputs(runId: string, inputs: readonly RunInput[]): Promise<void>;
  /** Records outputs (idempotent). */
  addOutputs(runId: string, outputs: readonly RunOutput[]): Promise<void>;
  /** Moves a queued run to running. */
  markRunning(runId: string): Promise<void>;
  /** Moves an ended run back to running, clearing `endedAt` (a resumed tuning study continues its run); a run not ended is returned as is. */
  reopen(runId: string): Promise<RunRecord>;
  /** Ends a run in a final state, merging `system` facts; ending an ended run is a ConflictError. */
  end(runId: string, status: 'finished' | 'failed' | 'killed', endedAt: string, system?: RunSystemFacts): Promise<RunRecord>;
  /** The series of one metric (or all, when `key` is omitted), ordered by key, step, timestamp. */
  metricHistory(runId: string, key?: string): Promise<MetricPoint[]>;
  /** Runs matching a search, with params, latest metrics and tags, keyset-paged. */
  search(search: RunSearch): Promise<Page<RunSummary>>;
  /** Deletes a run and everything logged to it (hard delete); false when it did not exist. Its children keep a dangling parentId. */
  delete(id: string): Promise<boolean>;
  /** Every artifact hash a run references (artifacts and bundle outputs), for gc. */
  artifactHashes(batchSize?: number): AsyncIterable<string>;
}
