/**
 * The job repository (`metadata.jobs`): persisted background jobs (training, tuning, batch scoring, ...)
 * with their lifecycle, progress, result and error, and their log lines (append-only, paged). The row is
 * the source of truth whatever runs the job (the in-process pool or BullMQ workers): every state change
 * is a compare-and-set on the row, so two processes can never both own a job, and a job whose owner
 * stopped heartbeating can be taken back exactly once. Held to its semantics on every adapter by
 * `job-repository.contract.ts`.
 *
 * Lifecycle: `queued` -> `running` -> `succeeded` | `failed` | `cancelled`. A running job whose worker
 * died goes back to `queued` (another attempt) or ends `failed` with error code `interrupted`.
 */
import { UsageError } from '../core/errors.js';
import type { Page, PageRequest } from './page.js';

/** Lifecycle states; the last three are final. */
export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
/** One lifecycle state. */
export type JobStatus = (typeof JOB_STATUSES)[number];
/** States a job never leaves. */
export const FINAL_JOB_STATUSES: readonly JobStatus[] = ['succeeded', 'failed', 'cancelled'];

/** Whether a status is final. */
export function isFinalJobStatus(status: JobStatus): boolean {
  return FINAL_JOB_STATUSES.includes(status);
}

/** A JSON document (payloads and results). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Why a job failed: a stable code (`interrupted`, or a KilnError code) and a message. */
export interface JobError {
  code: string;
  message: string;
}

/** A job as stored. */
export interface JobRecord {
  id: string;
  project: string;
  kind: string;
  status: JobStatus;
  payload: JsonValue;
  /** 0..1. */
  progress: number;
  progressMessage: string | null;
  result: JsonValue | null;
  error: JobError | null;
  /** How many times the job was started. */
  attempts: number;
  /** Starts allowed before an interrupted job ends failed. */
  maxAttempts: number;
  /** The tracking run the job records into, if any. */
  runId: string | null;
  /** Who runs (or last ran) it: `<host>:<pid>:<tag>`. */
  workerId: string | null;
  heartbeatAt: string | null;
  /** When a cancel was asked for a running job (the worker stops it at its next heartbeat). */
  cancelRequestedAt: string | null;
  createdBy: string | null;
  createdAt: string;
  startedAt: string | null;
  endedAt: string | null;
}

/** A job to create (always `queued`). */
export interface NewJob {
  id: string;
  project?: string;
  kind: string;
  payload: JsonValue;
  maxAttempts: number;
  runId?: string | null;
  createdBy?: string | null;
  createdAt: string;
}

/** A list filter. */
export interface JobQuery {
  project?: string;
  status?: readonly JobStatus[];
  kind?: string;
}

/** One log line; `seq` counts from 1 per job. */
export interface JobLogLine {
  seq: number;
  at: string;
  line: string;
}

/** What a heartbeat tells its worker. */
export interface HeartbeatReply {
  /** A cancel was requested: stop the handler. */
  cancelRequested: boolean;
}

/** How an owned job ends. */
export type JobEnding =
  /** `progressMessage`: the handler's last progress message not yet written (stored with the end). */
  | { status: 'succeeded'; result: JsonValue; at: string; progressMessage?: string | null }
  | { status: 'failed'; error: JobError; at: string }
  | { status: 'cancelled'; at: string };

/** Longest log line stored; longer lines are cut and marked. */
export const MAX_JOB_LOG_LINE = 8192;
/** Largest payload or result, as JSON text. */
export const MAX_JOB_DOCUMENT_BYTES = 1024 * 1024;

/** Jobs metadata. */
export interface JobRepository {
  /** Creates a queued job; an id in use is a ConflictError. */
  create(job: NewJob): Promise<JobRecord>;
  /** One job, or null. */
  get(id: string): Promise<JobRecord | null>;
  /** Jobs newest first (createdAt, id), keyset-paged. */
  list(query?: JobQuery, page?: PageRequest): Promise<Page<JobRecord>>;
  /** Up to `limit` queued jobs of these kinds, oldest first: candidates for `claim`. */
  queued(kinds: readonly string[], limit: number): Promise<{ id: string; kind: string }[]>;
  /** queued -> running for `workerId` (attempts + 1); null when the job is not queued any more (someone else won). */
  claim(id: string, workerId: string, at: string): Promise<JobRecord | null>;
  /** Records liveness (and the latest progress) of a job `workerId` runs; null when it no longer owns the job. */
  heartbeat(id: string, workerId: string, at: string, progress?: { fraction: number; message: string | null }): Promise<HeartbeatReply | null>;
  /** Ends a job `workerId` runs, appending its last log `lines` in the same transaction; null when it no longer owns it (taken over or already ended). */
  finish(id: string, workerId: string, ending: JobEnding, lines?: readonly { at: string; line: string }[]): Promise<JobRecord | null>;
  /**
   * Takes a running job back from `workerId` (dead, or shutting down): back to `queued` when `retry`,
   * else `failed` with `error`. Null when the job is not running under `workerId` any more.
   */
  release(id: string, workerId: string, at: string, retry: boolean, error: JobError): Promise<JobRecord | null>;
  /** Running jobs whose last heartbeat is older than `before` (ISO time), oldest first. */
  stale(before: string, limit: number): Promise<JobRecord[]>;
  /** Running jobs of workers whose id starts with `prefix` (this host's), for the dead-process check. */
  runningOn(prefix: string): Promise<JobRecord[]>;
  /**
   * Cancels: a queued job ends `cancelled` at once; a running one gets `cancelRequestedAt` (its worker
   * stops it); a final job is returned unchanged. Null when the job does not exist.
   */
  requestCancel(id: string, at: string): Promise<JobRecord | null>;
  /** Links the tracking run a job `workerId` runs records into; false when it no longer owns the job. */
  linkRun(id: string, workerId: string, runId: string): Promise<boolean>;
  /** Deletes a job and its log lines (an enqueue that failed after the row was written); false when unknown. */
  delete(id: string): Promise<boolean>;
  /** Appends lines after the job's last one (in one transaction); returns the last seq. NotFoundError for an unknown job. */
  appendLogs(id: string, lines: readonly { at: string; line: string }[]): Promise<number>;
  /** Log lines with seq > `after` (default 0), in order, keyset-paged. */
  logs(id: string, after?: number, page?: PageRequest): Promise<Page<JobLogLine>>;
}

/** Longest job id. */
export const MAX_JOB_ID = 200;
const KIND = /^[a-z][a-z0-9_.-]{0,62}$/;

/** Checks a job kind: lowercase letters, digits, `_`, `.`, `-`, starting with a letter, at most 63. */
export function checkJobKind(kind: unknown): string {
  if (typeof kind !== 'string' || !KIND.test(kind)) {
    throw new UsageError('job kind must be 1-63 lowercase letters, digits, "_", "." or "-", starting with a letter', { field: 'kind' });
  }
  return kind;
}

/** Checks a job id as a caller gives it (any non-empty string up to 200 characters). */
export function checkJobId(id: unknown): string {
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_JOB_ID) throw new UsageError(`job id must be 1 to ${MAX_JOB_ID} characters`, { field: 'id' });
  return id;
}

/** JSON text of a payload or result, refusing what JSON cannot hold and documents over the size limit. */
export function jobDocumentText(value: unknown, field: string): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value, (_k, v: unknown) => {
      if (typeof v === 'number' && !Number.isFinite(v)) throw new UsageError(`${field} holds ${String(v)}, which JSON cannot represent`, { field });
      if (typeof v === 'bigint' || typeof v === 'function' || typeof v === 'symbol') throw new UsageError(`${field} holds a ${typeof v}, which is not JSON`, { field });
      return v;
    });
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`${field} is not a JSON document: ${(err as Error).message}`, { field });
  }
  if (text === undefined) throw new UsageError(`${field} is not a JSON document`, { field });
  if (Buffer.byteLength(text, 'utf8') > MAX_JOB_DOCUMENT_BYTES) {
    throw new UsageError(`${field} is larger than ${MAX_JOB_DOCUMENT_BYTES} bytes as JSON`, { field }, 'Store large inputs as a dataset or artifact and pass its reference.');
  }
  return text;
}

const PROJECT = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** Checks a project name (as `security` defines them). */
export function checkJobProject(project: unknown): string {
  if (typeof project !== 'string' || !PROJECT.test(project)) throw new UsageError('project must be 1-63 lowercase letters, digits, "_" or "-"', { field: 'project' });
  return project;
}
