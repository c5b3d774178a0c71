/**
 * `JobService` (`kiln.jobs`): long work as persisted jobs. Callers `submit` a job of a registered kind;
 * it is written to `metadata.jobs` (queued) and handed to the queue: the embedded pool (the metadata
 * store, polled; default) or BullMQ on Redis (`KILN_REDIS_URL`). A process that calls `start` runs jobs
 * (`kiln server`, `kiln worker`); any process can submit, read, follow and cancel them. A process that
 * starts also sweeps for jobs whose worker died (stale heartbeat, or a dead process on this machine)
 * and hands them back (see job-runner.ts). Handlers are registered by higher layers; this layer knows
 * none of them.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { NotFoundError, UsageError } from '../core/errors.js';
import type { AuditContext, SecurityService } from '../security/security-service.js';
import type { Principal } from '../security/permissions.js';
import { checkJobId, checkJobKind, checkJobProject, isFinalJobStatus } from '../store/job-repository.js';
import type { JobLogLine, JobRecord, JobStatus, JsonValue } from '../store/job-repository.js';
import type { JobQueue } from '../store/job-queue.js';
import type { MetadataStore } from '../store/metadata-store.js';
import type { Page, PageRequest } from '../store/page.js';
import type { JobHandler, JobKindOptions } from './job-handler.js';
import { JobRunner } from './job-runner.js';
import type { JobTiming, RegisteredKind } from './job-runner.js';
import { DEFAULT_JOB_TIMING } from './jobs-config.js';
import { newWorkerId } from './worker-identity.js';
import { randomUUID } from 'node:crypto';

/** What to run. */
export interface SubmitRequest {
  readonly kind: string;
  /** Default `default`; must exist. */
  readonly project?: string;
  readonly payload?: JsonValue;
  /** A tracking run the job records into, when known up front. */
  readonly runId?: string;
  /** Overrides the kind's attempts policy. */
  readonly maxAttempts?: number;
}

/** Who acts, for the audit log. */
export interface JobActor {
  readonly actor?: Principal;
  readonly auditContext?: AuditContext;
}

/** A list request. */
export interface JobListRequest {
  readonly project?: string;
  readonly status?: readonly JobStatus[];
  readonly kind?: string;
  readonly page?: PageRequest;
}

/** What `follow` yields: new log lines, progress changes, and the final record last. */
export type JobEvent =
  | { readonly type: 'log'; readonly seq: number; readonly at: string; readonly line: string }
  | { readonly type: 'progress'; readonly progress: number; readonly message: string | null; readonly status: JobStatus }
  | { readonly type: 'end'; readonly job: JobRecord };

/** Options of the service. */
export interface JobServiceOptions {
  readonly queue: JobQueue;
  readonly timing?: Partial<JobTiming>;
  /** Audits submits and cancels when given. */
  readonly security?: SecurityService;
  /** Where operational warnings go (default: stderr). */
  readonly warn?: (message: string) => void;
  /** Jobs run at once by `start()` without a concurrency (default 1). */
  readonly defaultConcurrency?: number;
}

const NO_ACTOR = 'local:unknown';

/** Persisted background jobs. */
export class JobService {
  private readonly handlers = new Map<string, RegisteredKind>();
  private readonly timing: JobTiming;
  private readonly warn: (message: string) => void;
  private readonly waiters = new Map<string, Set<(job: JobRecord) => void>>();
  private runner: JobRunner | null = null;
  private sweeper: NodeJS.Timeout | null = null;
  private sweeping = false;
  private closed = false;

  constructor(
    private readonly metadata: MetadataStore,
    private readonly options: JobServiceOptions,
  ) {
    this.timing = { ...DEFAULT_JOB_TIMING, ...options.timing };
    this.warn = options.warn ?? ((m) => process.stderr.write(`kiln jobs: ${m}\n`));
  }

  /** `embedded` (in-process pool over the metadata store) or `bullmq` (Redis). */
  get mode(): 'embedded' | 'bullmq' {
    return this.options.queue.mode;
  }

  /** This process's worker id once `start` was called, else null. */
  get workerId(): string | null {
    return this.runner?.workerId ?? null;
  }

  /** Registers the handler of a kind (before `start`); a kind registers once. */
  registerHandler(kind: string, handler: JobHandler, options: JobKindOptions = {}): void {
    checkJobKind(kind);
    if (this.handlers.has(kind)) throw new UsageError(`job kind '${kind}' already has a handler`, { field: 'kind' });
    if (this.runner) throw new UsageError('register job handlers before start()', { field: 'kind' });
    const maxAttempts = options.maxAttempts ?? 2;
    if (!Number.isSafeInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > 100) throw new UsageError('maxAttempts must be an integer from 1 to 100', { field: 'maxAttempts' });
    this.handlers.set(kind, { handler, options: { maxAttempts } });
  }

  /** The registered kinds. */
  kinds(): string[] {
    return [...this.handlers.keys()].sort();
  }

  /** Persists a queued job and hands it to the queue; nothing is left behind when the queue is unreachable. */
  async submit(request: SubmitRequest, who: JobActor = {}): Promise<JobRecord> {
    if (typeof request !== 'object' || request === null) throw new UsageError('a job request is an object with kind and payload', { field: 'kind' });
    const kind = checkJobKind(request.kind);
    const registered = this.handlers.get(kind);
    if (!registered) throw new UsageError(`unknown job kind '${kind}'`, { field: 'kind' }, `Known kinds: ${this.kinds().join(', ') || '(none)'}.`);
    const project = checkJobProject(request.project ?? 'default');
    if (project !== 'default' && !(await this.metadata.projects.get(project))) throw new NotFoundError(`project '${project}' does not exist`, { field: 'project' });
    // Fail before writing anything when the queue's server is down.
    await this.options.queue.ready();
    const job = await this.metadata.jobs.create({
      id: randomUUID(),
      project,
      kind,
      payload: request.payload ?? null,
      maxAttempts: request.maxAttempts ?? registered.options.maxAttempts,
      runId: request.runId ?? null,
      createdBy: who.actor?.actor ?? null,
      createdAt: new Date().toISOString(),
    });
    try {
      await this.options.queue.enqueue({ id: job.id, kind });
    } catch (err) {
      await this.metadata.jobs.delete(job.id).catch(() => undefined);
      throw err;
    }
    await this.audit('job.submit', job, null, who);
    return job;
  }

  /** One job; NotFoundError when unknown or in another project than `project` (when given). */
  async get(id: string, project?: string): Promise<JobRecord> {
    checkJobId(id);
    const job = await this.metadata.jobs.get(id);
    if (!job || (project !== undefined && job.project !== project)) throw new NotFoundError(`job ${id} does not exist`, { field: 'id', id }, 'List jobs with `kiln jobs list`.');
    return job;
  }

  /** Jobs newest first, filtered by project, status and kind, keyset-paged. */
  list(request: JobListRequest = {}): Promise<Page<JobRecord>> {
    return this.metadata.jobs.list({ project: request.project, status: request.status, kind: request.kind }, request.page);
  }

  /** A job's log lines after seq `after`, paged. */
  async logs(id: string, options: { after?: number; page?: PageRequest; project?: string } = {}): Promise<Page<JobLogLine>> {
    await this.get(id, options.project);
    return this.metadata.jobs.logs(id, options.after ?? 0, options.page);
  }

  /** Cancels a job: a queued one at once, a running one within about a heartbeat (at once when it runs here). */
  async cancel(id: string, who: JobActor & { project?: string } = {}): Promise<JobRecord> {
    const before = await this.get(id, who.project);
    if (isFinalJobStatus(before.status)) return before;
    const after = await this.metadata.jobs.requestCancel(id, new Date().toISOString());
    if (!after) throw new NotFoundError(`job ${id} does not exist`, { field: 'id', id });
    this.runner?.stop(id, 'cancelled');
    if (after.status === 'cancelled') this.notify(after);
    await this.audit('job.cancel', after, before, who);
    return after;
  }

  /** Resolves with the job once it is final; rejects with the signal's reason when aborted. */
  async wait(id: string, options: { signal?: AbortSignal; pollMs?: number } = {}): Promise<JobRecord> {
    let job = await this.get(id);
    const pollMs = options.pollMs ?? 100;
    while (!isFinalJobStatus(job.status)) {
      options.signal?.throwIfAborted();
      const ended = await this.nextEnd(id, pollMs, options.signal);
      job = ended ?? (await this.get(id));
    }
    return job;
  }

  /** New log lines and progress of a job as they come, then its final record; stops early when `signal` fires. */
  async *follow(id: string, options: { after?: number; signal?: AbortSignal; pollMs?: number; project?: string } = {}): AsyncGenerator<JobEvent> {
    await this.get(id, options.project);
    let after = options.after ?? 0;
    let last = '';
    const pollMs = options.pollMs ?? 250;
    for (;;) {
      const job = await this.get(id);
      for (;;) {
        const page = await this.metadata.jobs.logs(id, after, { limit: 1000 });
        for (const l of page.items) yield { type: 'log', seq: l.seq, at: l.at, line: l.line };
        if (page.items.length > 0) after = page.items[page.items.length - 1].seq;
        if (page.next === null) break;
      }
      const state = `${job.status}|${job.progress}|${job.progressMessage ?? ''}`;
      if (state !== last) {
        last = state;
        if (!isFinalJobStatus(job.status)) yield { type: 'progress', progress: job.progress, message: job.progressMessage, status: job.status };
      }
      if (isFinalJobStatus(job.status)) {
        // Lines written between the log read and the status read above.
        const tail = await this.metadata.jobs.logs(id, after, { limit: 1000 });
        for (const l of tail.items) yield { type: 'log', seq: l.seq, at: l.at, line: l.line };
        yield { type: 'end', job };
        return;
      }
      if (options.signal?.aborted) return;
      await this.nextEnd(id, pollMs, options.signal).catch(() => undefined);
      if (options.signal?.aborted) return;
    }
  }

  /** Starts running jobs in this process (embedded pool, or a BullMQ worker) and the dead-worker sweep. */
  async start(options: { concurrency?: number } = {}): Promise<void> {
    if (this.closed) throw new UsageError('the job service is closed');
    if (this.runner) throw new UsageError('the job service is already running jobs');
    const concurrency = options.concurrency ?? this.options.defaultConcurrency ?? 1;
    if (!Number.isSafeInteger(concurrency) || concurrency < 1 || concurrency > 256) throw new UsageError(`concurrency must be a whole number from 1 to 256 (got ${String(concurrency)})`, { field: 'concurrency' });
    if (this.handlers.size === 0) throw new UsageError('no job handlers are registered');
    const runner = new JobRunner(this.metadata.jobs, this.options.queue, this.handlers, newWorkerId(), this.timing, this.warn, (job) => this.notify(job));
    this.runner = runner;
    try {
      await this.sweep();
      await this.options.queue.consume((d) => runner.deliver(d), { concurrency, kinds: this.kinds() });
    } catch (err) {
      this.runner = null;
      throw err;
    }
    this.sweeper = setInterval(() => void this.sweep(), this.timing.heartbeatMs);
    this.sweeper.unref();
  }

  /** Takes back jobs of dead workers now (also runs every heartbeat interval once started). */
  async sweep(): Promise<number> {
    const runner = this.runner;
    if (!runner || this.sweeping || this.closed) return 0;
    this.sweeping = true;
    let recovered = 0;
    try {
      const now = Date.now();
      const candidates = [...(await this.metadata.jobs.stale(new Date(now - this.timing.staleMs).toISOString(), 100)), ...(await this.metadata.jobs.runningOn(`${runner.workerId.split(':')[0]}:`))];
      const seen = new Set<string>();
      for (const job of candidates) {
        if (seen.has(job.id) || !runner.ownerGone(job, now)) continue;
        seen.add(job.id);
        if (await runner.recover(job, true)) recovered++;
      }
    } catch (err) {
      this.warn(`sweeping for interrupted jobs failed: ${(err as Error).message}`);
    } finally {
      this.sweeping = false;
    }
    return recovered;
  }

  /** Stops running jobs here (each is queued again for another worker) and releases the queue. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
    await this.runner?.stopAll('shutdown');
    await this.options.queue.close();
  }

  private notify(job: JobRecord): void {
    const set = this.waiters.get(job.id);
    if (!set) return;
    this.waiters.delete(job.id);
    for (const fn of set) fn(job);
  }

  /** Waits until a job ends in this process or `ms` pass (then null). */
  private async nextEnd(id: string, ms: number, signal?: AbortSignal): Promise<JobRecord | null> {
    let fn: ((job: JobRecord) => void) | undefined;
    const ended = new Promise<JobRecord>((resolve) => {
      fn = resolve;
      const set = this.waiters.get(id) ?? new Set();
      set.add(resolve);
      this.waiters.set(id, set);
    });
    try {
      return await Promise.race([ended, sleep(ms, null, signal ? { signal } : {})]);
    } finally {
      const set = this.waiters.get(id);
      if (set && fn) {
        set.delete(fn);
        if (set.size === 0) this.waiters.delete(id);
      }
    }
  }

  private async audit(action: string, after: JobRecord, before: JobRecord | null, who: JobActor): Promise<void> {
    if (!this.options.security) return;
    const summary = (j: JobRecord): Record<string, unknown> => ({ id: j.id, kind: j.kind, status: j.status, runId: j.runId });
    await this.options.security.audit(
      { actor: who.actor?.actor ?? NO_ACTOR, action, resourceType: 'jobs', resourceId: after.id, project: after.project, before: before ? summary(before) : null, after: summary(after) },
      who.auditContext,
    );
  }
}
