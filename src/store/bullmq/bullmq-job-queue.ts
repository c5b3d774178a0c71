/**
 * BullMQ on Redis adapter of the `JobQueue` port (`KILN_REDIS_URL`). One BullMQ queue carries job ids
 * (custom BullMQ job id = the Kiln job id, so a double enqueue is ignored; a re-delivery after an
 * interrupted attempt gets `<id>-r<attempt>`). Workers hold a BullMQ lock per active job for
 * `lockDurationMs`; a worker killed with SIGKILL stops renewing it, BullMQ's stalled-job check moves the
 * job back to the wait list and another worker receives it again, where the job service decides from the
 * row (heartbeat, attempts) whether to take it over. BullMQ never fails a job on its own account
 * (`maxStalledCount` is high): the attempts policy is the row's. Nothing connects until first use, and an
 * unreachable server is a UsageError naming KILN_REDIS_URL, so commands that never touch jobs are
 * unaffected by a dead Redis.
 */
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { UsageError } from '../../core/errors.js';
import type { ConsumeOptions, JobDelivery, JobQueue } from '../job-queue.js';

/** Options of the BullMQ queue. */
export interface BullmqJobQueueOptions {
  /** BullMQ queue name (default `kiln-jobs`); tests use their own. */
  readonly queueName?: string;
  /** How long a worker's lock on an active job lasts without renewal (BullMQ `lockDuration`). */
  readonly lockDurationMs: number;
  /** How long `ready()` waits for a connection. */
  readonly connectTimeoutMs?: number;
}

/** `redis://user:secret@host` -> `redis://user:***@host`. */
export function redactRedisUrl(url: string): string {
  return url.replace(/^(\w+:\/\/[^:/@]*:)[^@]*@/, '$1***@');
}

/** The BullMQ job queue. */
export class BullmqJobQueue implements JobQueue {
  readonly mode = 'bullmq' as const;
  private readonly queueName: string;
  private producer: { redis: Redis; queue: Queue } | null = null;
  private worker: { redis: Redis; worker: Worker } | null = null;
  private lastError: Error | null = null;
  private connecting: Promise<void> | null = null;

  constructor(
    private readonly url: string,
    private readonly options: BullmqJobQueueOptions,
  ) {
    this.queueName = options.queueName ?? 'kiln-jobs';
    if (this.queueName.includes(':') || this.queueName === '') throw new UsageError(`job queue name '${this.queueName}' may not be empty or contain ':'`, { field: 'KILN_JOBS_QUEUE' });
  }

  private connection(forWorker: boolean): Redis {
    const redis = new Redis(this.url, {
      // BullMQ workers need blocking commands to wait forever; the producer fails fast instead.
      maxRetriesPerRequest: forWorker ? null : 1,
      connectTimeout: this.options.connectTimeoutMs ?? 3000,
      lazyConnect: false,
    });
    // ioredis reconnects on its own; errors are kept for the next ready() instead of crashing the process.
    redis.on('error', (err: Error) => {
      this.lastError = err;
    });
    return redis;
  }

  private unreachable(detail: string): UsageError {
    return new UsageError(
      `Redis at ${redactRedisUrl(this.url)} (KILN_REDIS_URL) is unreachable: ${detail}`,
      { field: 'KILN_REDIS_URL' },
      'Start Redis or fix KILN_REDIS_URL; unset KILN_REDIS_URL to run jobs in-process (embedded mode).',
    );
  }

  private async open(): Promise<{ redis: Redis; queue: Queue }> {
    if (!this.producer) {
      const redis = this.connection(false);
      const queue = new Queue(this.queueName, { connection: redis });
      queue.on('error', (err: Error) => {
        this.lastError = err;
      });
      this.producer = { redis, queue };
    }
    return this.producer;
  }

  async ready(): Promise<void> {
    const { redis } = await this.open();
    if (redis.status === 'ready') return;
    // Concurrent callers share one wait (and one listener) for the connection.
    this.connecting ??= this.waitReady(redis).finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private async waitReady(redis: Redis): Promise<void> {
    const timeoutMs = this.options.connectTimeoutMs ?? 3000;
    await new Promise<void>((resolve, reject) => {
      const done = (err?: UsageError): void => {
        clearTimeout(timer);
        redis.off('ready', onReady);
        if (err) reject(err);
        else resolve();
      };
      const onReady = (): void => done();
      const timer = setTimeout(() => done(this.unreachable(this.lastError?.message || `no connection within ${timeoutMs} ms`)), timeoutMs);
      redis.on('ready', onReady);
    });
  }

  async enqueue(job: JobDelivery, attempt = 0): Promise<void> {
    await this.ready();
    const { queue } = await this.open();
    try {
      await queue.add(job.kind, { id: job.id }, { jobId: attempt > 0 ? `${job.id}-r${attempt}` : job.id, removeOnComplete: true, removeOnFail: 1000 });
    } catch (err) {
      throw this.unreachable((err as Error).message);
    }
  }

  async consume(deliver: (job: JobDelivery) => Promise<void>, options: ConsumeOptions): Promise<void> {
    if (this.worker) throw new UsageError('this queue is already consuming');
    await this.ready();
    const redis = this.connection(true);
    const lockDuration = Math.max(1000, this.options.lockDurationMs);
    const worker = new Worker<{ id: string }>(
      this.queueName,
      async (job) => {
        const id = typeof job.data?.id === 'string' ? job.data.id : '';
        if (id !== '') await deliver({ id, kind: job.name });
      },
      {
        connection: redis,
        concurrency: options.concurrency,
        lockDuration,
        stalledInterval: Math.max(500, Math.floor(lockDuration / 2)),
        maxStalledCount: 1000,
        drainDelay: 1,
      },
    );
    worker.on('error', (err: Error) => {
      this.lastError = err;
    });
    this.worker = { redis, worker };
    await worker.waitUntilReady();
  }

  async close(): Promise<void> {
    const w = this.worker;
    const p = this.producer;
    this.worker = null;
    this.producer = null;
    if (w) {
      await w.worker.close();
      w.redis.disconnect();
    }
    if (p) {
      await p.queue.close().catch(() => undefined);
      p.redis.disconnect();
    }
  }
}
