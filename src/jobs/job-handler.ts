/**
 * What a job handler is: an async function of a `JobContext` that returns the job's result (JSON). Higher
 * layers register handlers by kind (`kiln.jobs.registerHandler('train', ...)` in `openKiln`); the job
 * service never imports them. A handler must honour `signal` (cancellation, shutdown): when it fires the
 * job is already being ended, and whatever the handler returns afterwards is discarded.
 */
import type { JsonValue } from '../store/job-repository.js';

/** What a running handler gets. */
export interface JobContext {
  readonly jobId: string;
  readonly kind: string;
  readonly project: string;
  readonly payload: JsonValue;
  /** The tracking run linked so far (by an earlier, interrupted attempt, or at submit), or null. */
  readonly runId: string | null;
  /** 1 on the first start, 2 after an interrupted attempt, ... */
  readonly attempt: number;
  /** Fires on cancel (`reason` = 'cancelled'), shutdown ('shutdown') or when another worker took the job over ('lost'). */
  readonly signal: AbortSignal;
  /** Reports progress: a fraction from 0 to 1 and a short message. Cheap: written at most a few times a second. */
  progress(fraction: number, message?: string): void;
  /** Appends a log line (newlines split it). Cheap: lines are written in batches. */
  log(line: string): void;
  /** Links the tracking run this job records into (shown on the job as `runId`). */
  linkRun(runId: string): Promise<void>;
}

/** A job handler: its resolved value is stored as the job's result. */
export type JobHandler = (ctx: JobContext) => Promise<JsonValue | undefined>;

/** How jobs of one kind are run. */
export interface JobKindOptions {
  /** Starts allowed when a worker dies mid-job (default 2: one retry). Handler errors are never retried. */
  readonly maxAttempts?: number;
}

/** Why a running handler's signal fired. */
export type JobStopReason = 'cancelled' | 'shutdown' | 'lost';
