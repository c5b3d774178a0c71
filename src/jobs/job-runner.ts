/**
 * Runs delivered jobs in this process and takes back jobs whose worker died. A delivery is claimed with
 * a compare-and-set on the row (so duplicates and races between processes are harmless), run with a
 * `JobContext`, and ended in the same way. A job is taken back (`recover`) when its heartbeat is older
 * than `staleMs` or its worker was a process on this machine that no longer exists: it goes back to
 * `queued` for another attempt while attempts < maxAttempts, else ends `failed` with error code
 * `interrupted`. Never left `running`.
 */
import { KilnError } from '../core/errors.js';
import type { HeartbeatReply, JobError, JobRecord, JobRepository, JsonValue } from '../store/job-repository.js';
import { jobDocumentText } from '../store/job-repository.js';
import type { JobDelivery, JobQueue } from '../store/job-queue.js';
import type { JobContext, JobHandler, JobKindOptions, JobStopReason } from './job-handler.js';
import { JobReporter } from './job-reporter.js';
import { isProcessAlive, localHost, parseWorkerId } from './worker-identity.js';

/** Timings of the job machinery (docs/jobs.md). */
export interface JobTiming {
  /** How often a running job's row is touched (and its cancel flag read). */
  readonly heartbeatMs: number;
  /** A running job whose heartbeat is older than this belongs to a dead worker. */
  readonly staleMs: number;
  /** How often progress and log lines are written. */
  readonly flushMs: number;
  /** How often an idle embedded pool looks for queued jobs. */
  readonly pollMs: number;
}

/** A registered kind. */
export interface RegisteredKind {
  readonly handler: JobHandler;
  readonly options: Required<JobKindOptions>;
}

interface Running {
  readonly controller: AbortController;
  reason: JobStopReason | null;
  readonly done: Promise<void>;
}

type Outcome = { kind: 'ok'; value: JsonValue | undefined } | { kind: 'error'; err: unknown } | { kind: 'stopped' };

/** Executes jobs for one worker id. */
export class JobRunner {
  private readonly running = new Map<string, Running>();

  constructor(
    private readonly repo: JobRepository,
    private readonly queue: JobQueue,
    private readonly handlers: ReadonlyMap<string, RegisteredKind>,
    readonly workerId: string,
    private readonly timing: JobTiming,
    private readonly warn: (message: string) => void,
    private readonly onEnded: (job: JobRecord) => void,
  ) {}

  /** Ids of the jobs running here. */
  runningIds(): string[] {
    return [...this.running.keys()];
  }

  /** Stops a job running here (no-op when it is not); true when it was. */
  stop(id: string, reason: JobStopReason): boolean {
    const r = this.running.get(id);
    if (!r) return false;
    if (r.reason === null) {
      r.reason = reason;
      r.controller.abort(reason);
    }
    return true;
  }

  /** Stops every job running here and waits until each has been handed back or ended. */
  async stopAll(reason: JobStopReason): Promise<void> {
    const waits = [...this.running.entries()].map(([id, r]) => {
      this.stop(id, reason);
      return r.done;
    });
    await Promise.all(waits);
  }

  /** Handles one delivery: claim and run it, take it over from a dead worker, or ignore a duplicate. */
  async deliver(delivery: JobDelivery): Promise<void> {
    if (this.running.has(delivery.id)) return;
    // The common case first: a queued job, claimed in one statement.
    let claimed = await this.repo.claim(delivery.id, this.workerId, new Date().toISOString());
    if (!claimed) {
      const job = await this.repo.get(delivery.id);
      // A re-delivery (BullMQ's stalled-job check): only a job whose owner is gone is taken over.
      if (!job || job.status !== 'running' || !this.ownerGone(job, Date.now())) return;
      if ((await this.recover(job, false))?.status !== 'queued') return;
      claimed = await this.repo.claim(delivery.id, this.workerId, new Date().toISOString());
      if (!claimed) return;
    }
    const kind = this.handlers.get(claimed.kind);
    if (!kind) {
      await this.end(claimed.id, { status: 'failed', error: { code: 'usage', message: `no handler for job kind '${claimed.kind}' on worker ${this.workerId}` }, at: new Date().toISOString() }, []);
      return;
    }
    await this.execute(claimed, kind.handler);
  }

  /** Whether a running job's worker is gone: a stale heartbeat, or a dead process on this machine. */
  ownerGone(job: JobRecord, now: number): boolean {
    if (job.workerId === this.workerId) return false;
    if (job.heartbeatAt === null || Date.parse(job.heartbeatAt) < now - this.timing.staleMs) return true;
    const owner = job.workerId === null ? null : parseWorkerId(job.workerId);
    return owner !== null && owner.host === localHost() && owner.pid !== process.pid && !isProcessAlive(owner.pid);
  }

  /** Takes a job back from its dead worker; `requeue` also re-delivers it. The record after, or null when someone else did. */
  async recover(job: JobRecord, requeue: boolean): Promise<JobRecord | null> {
    if (job.workerId === null) return null;
    const retry = job.attempts < job.maxAttempts;
    const since = job.heartbeatAt ?? job.startedAt ?? job.createdAt;
    const error: JobError = {
      code: 'interrupted',
      message: `attempt ${job.attempts} of ${job.maxAttempts} was interrupted: worker ${job.workerId} stopped (last heartbeat ${since})${retry ? '; the job is queued again' : ''}`,
    };
    const released = await this.repo.release(job.id, job.workerId, new Date().toISOString(), retry, error);
    if (!released) return null;
    await this.repo.appendLogs(job.id, [{ at: new Date().toISOString(), line: error.message }]).catch(() => undefined);
    if (released.status === 'queued') {
      if (requeue) await this.queue.enqueue({ id: released.id, kind: released.kind }, released.attempts);
    } else {
      this.onEnded(released);
    }
    return released;
  }

  private async execute(job: JobRecord, handler: JobHandler): Promise<void> {
    const controller = new AbortController();
    let settle: () => void = () => undefined;
    const entry: Running = { controller, reason: null, done: new Promise<void>((r) => (settle = r)) };
    this.running.set(job.id, entry);
    const onReply = (reply: HeartbeatReply | null): void => {
      if (reply === null) this.stop(job.id, 'lost');
      else if (reply.cancelRequested) this.stop(job.id, 'cancelled');
    };
    const reporter = new JobReporter(this.repo, job.id, this.workerId, this.timing, onReply, this.warn);
    const ctx: JobContext = {
      jobId: job.id,
      kind: job.kind,
      project: job.project,
      payload: job.payload,
      runId: job.runId,
      attempt: job.attempts,
      signal: controller.signal,
      progress: (fraction, message) => reporter.progress(fraction, message),
      log: (line) => reporter.log(line),
      linkRun: async (runId) => {
        await this.repo.linkRun(job.id, this.workerId, runId);
      },
    };
    try {
      reporter.start();
      // The row says who runs it; a retry is worth a line in the log beside the interruption it follows.
      if (job.attempts > 1) reporter.log(`started on ${this.workerId} (attempt ${job.attempts} of ${job.maxAttempts})`);
      const stopped = new Promise<Outcome>((resolve) => controller.signal.addEventListener('abort', () => resolve({ kind: 'stopped' }), { once: true }));
      // A handler that ignores its signal cannot hold the job: the stop wins the race and ends it.
      const outcome = await Promise.race([
        Promise.resolve()
          .then(() => handler(ctx))
          .then(
            (value): Outcome => ({ kind: 'ok', value }),
            (err: unknown): Outcome => ({ kind: 'error', err }),
          ),
        stopped,
      ]);
      await this.finishRun(job, entry, outcome, reporter);
    } catch (err) {
      this.warn(`job ${job.id}: ${(err as Error).message}`);
    } finally {
      this.running.delete(job.id);
      settle();
    }
  }

  private async finishRun(job: JobRecord, entry: Running, outcome: Outcome, reporter: JobReporter): Promise<void> {
    const at = (): string => new Date().toISOString();
    const reason = entry.reason;
    if (reason !== null || outcome.kind === 'stopped') {
      reporter.log(reason === 'cancelled' ? 'cancelled on request' : reason === 'shutdown' ? `stopped: worker ${this.workerId} is shutting down` : 'stopped: another worker took the job over');
      if (reason === 'cancelled') {
        await this.end(job.id, { status: 'cancelled', at: at() }, (await reporter.drain()).lines);
        return;
      }
      await reporter.stop();
      if (reason === 'shutdown') {
        const released = await this.repo.release(job.id, this.workerId, at(), true, { code: 'interrupted', message: `worker ${this.workerId} shut down; the job is queued again` });
        if (released?.status === 'queued') await this.queue.enqueue({ id: job.id, kind: job.kind }, released.attempts).catch((err: unknown) => this.warn(`job ${job.id}: ${(err as Error).message}`));
        else if (released) this.onEnded(released);
      }
      return;
    }
    if (outcome.kind === 'ok') {
      const value = outcome.value === undefined ? null : outcome.value;
      try {
        jobDocumentText(value, 'result');
      } catch (err) {
        reporter.log(`failed: the handler's result is not storable: ${(err as Error).message}`);
        await this.end(job.id, { status: 'failed', error: { code: 'internal', message: `the handler's result is not storable: ${(err as Error).message}` }, at: at() }, (await reporter.drain()).lines);
        return;
      }
      const { lines, lastMessage } = await reporter.drain();
      await this.end(job.id, { status: 'succeeded', result: value, at: at(), ...(lastMessage !== undefined ? { progressMessage: lastMessage } : {}) }, lines);
      return;
    }
    const err = outcome.err;
    const error: JobError = err instanceof KilnError ? { code: err.code, message: err.message } : { code: 'internal', message: err instanceof Error ? err.message : String(err) };
    reporter.log(`failed: ${error.message}`);
    await this.end(job.id, { status: 'failed', error, at: at() }, (await reporter.drain()).lines);
  }

  private async end(id: string, ending: Parameters<JobRepository['finish']>[2], lines: readonly { at: string; line: string }[]): Promise<void> {
    const ended = await this.repo.finish(id, this.workerId, ending, lines);
    if (ended) this.onEnded(ended);
  }
}
