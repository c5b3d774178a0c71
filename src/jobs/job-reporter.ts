/**
 * Batches what a running handler reports and keeps its job alive: log lines and the latest progress are
 * written at most every `flushMs` (one insert for all pending lines, progress folded into the heartbeat),
 * and a heartbeat goes out at least every `heartbeatMs`. The heartbeat's reply says whether a cancel was
 * requested (how a job running in another process learns it was cancelled) or whether the job is no
 * longer this worker's (taken over after it looked dead). A handler calling `log` in a tight loop costs
 * an array push per line.
 */
import { UsageError } from '../core/errors.js';
import type { HeartbeatReply, JobRepository } from '../store/job-repository.js';

/** When lines pile up faster than the timer drains them, flush early at this many. */
const EARLY_FLUSH_LINES = 1000;
/** Lines kept while the database is unreachable; older ones are dropped (and counted). */
const MAX_PENDING_LINES = 50_000;

/** Timings of one reporter. */
export interface ReporterTiming {
  readonly flushMs: number;
  readonly heartbeatMs: number;
}

/** The progress/log/heartbeat writer of one running job. */
export class JobReporter {
  private lines: { at: string; line: string }[] = [];
  private dropped = 0;
  private pendingProgress: { fraction: number; message: string | null } | null = null;
  private lastBeat = Date.now();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly repo: JobRepository,
    private readonly jobId: string,
    private readonly workerId: string,
    private readonly timing: ReporterTiming,
    private readonly onReply: (reply: HeartbeatReply | null) => void,
    private readonly warn: (message: string) => void,
  ) {}

  /** Starts the flush timer. */
  start(): void {
    this.timer = setInterval(() => void this.flush(false), this.timing.flushMs);
    this.timer.unref();
  }

  /** Records progress; a fraction outside 0..1 is the handler's bug, reported at once. */
  progress(fraction: number, message?: string): void {
    if (typeof fraction !== 'number' || !Number.isFinite(fraction) || fraction < 0 || fraction > 1) {
      throw new UsageError(`progress must be a number from 0 to 1 (got ${String(fraction)})`, { field: 'progress' });
    }
    this.pendingProgress = { fraction, message: message === undefined ? null : String(message) };
  }

  /** Queues a log line (split on newlines). */
  log(line: string): void {
    const at = new Date().toISOString();
    for (const part of String(line).split(/\r?\n/)) this.lines.push({ at, line: part });
    if (this.lines.length > MAX_PENDING_LINES) {
      const extra = this.lines.length - MAX_PENDING_LINES;
      this.lines.splice(0, extra);
      this.dropped += extra;
    }
    if (this.lines.length >= EARLY_FLUSH_LINES) void this.flush(false);
  }

  /** Writes what is pending (serialized: one flush at a time); `final` also forces the progress out. */
  flush(final: boolean): Promise<void> {
    this.flushing = this.flushing.then(() => this.write(final));
    return this.flushing;
  }

  /** Stops the timer and writes everything still pending. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush(true);
  }

  /**
   * Stops the timer, waits for a flush in progress, and hands back the lines not yet written (the caller
   * writes them with the job's end, in one transaction). The end sets the fraction; `lastMessage` (the
   * handler's unwritten progress message, if any) goes with the end too, so a throttled final message
   * is not lost behind an earlier one.
   */
  async drain(): Promise<{ lines: { at: string; line: string }[]; lastMessage: string | null | undefined }> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flushing;
    const lines = this.lines;
    this.lines = [];
    if (this.dropped > 0) lines.unshift({ at: new Date().toISOString(), line: `[${this.dropped} log lines dropped while the metadata store was unreachable]` });
    this.dropped = 0;
    const lastMessage = this.pendingProgress?.message ?? undefined;
    this.pendingProgress = null;
    return { lines, lastMessage };
  }

  private async write(final: boolean): Promise<void> {
    const lines = this.lines;
    this.lines = [];
    if (this.dropped > 0) {
      lines.unshift({ at: new Date().toISOString(), line: `[${this.dropped} log lines dropped while the metadata store was unreachable]` });
      this.dropped = 0;
    }
    try {
      if (lines.length > 0) await this.repo.appendLogs(this.jobId, lines);
    } catch (err) {
      // Kept for the next flush: a database blip must not lose the log or kill the job.
      this.lines = [...lines, ...this.lines];
      this.warn(`job ${this.jobId}: writing log lines failed: ${(err as Error).message}`);
    }
    const now = Date.now();
    const progress = this.pendingProgress;
    if (final || progress !== null || now - this.lastBeat >= this.timing.heartbeatMs) {
      this.pendingProgress = null;
      try {
        const reply = await this.repo.heartbeat(this.jobId, this.workerId, new Date(now).toISOString(), progress ?? undefined);
        this.lastBeat = now;
        this.onReply(reply);
      } catch (err) {
        if (progress !== null && this.pendingProgress === null) this.pendingProgress = progress;
        this.warn(`job ${this.jobId}: heartbeat failed: ${(err as Error).message}`);
      }
    }
  }
}
