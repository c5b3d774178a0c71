/**
 * The embedded adapter of the `JobQueue` port: the metadata store is the queue. A consuming process polls
 * `metadata.jobs.queued` every `pollMs` (and at once when a job is submitted in the same process or a
 * slot frees), and hands candidates to the job service, whose compare-and-set claim decides between
 * processes sharing the database (a `kiln server` and `kiln worker`s on one SQLite file, or anywhere on
 * PostgreSQL). Jobs survive any crash because nothing lives only in memory.
 */
import type { JobRepository } from '../store/job-repository.js';
import type { ConsumeOptions, JobDelivery, JobQueue } from '../store/job-queue.js';

/** The metadata store, polled. */
export class EmbeddedJobQueue implements JobQueue {
  readonly mode = 'embedded' as const;
  private timer: NodeJS.Timeout | null = null;
  private readonly inflight = new Map<string, Promise<void>>();
  private wake: (() => void) | null = null;
  private closed = false;

  constructor(
    private readonly repo: JobRepository,
    private readonly pollMs: number,
    private readonly warn: (message: string) => void,
  ) {}

  async ready(): Promise<void> {
    // The metadata store is already open: nothing else to reach.
  }

  async enqueue(): Promise<void> {
    this.wake?.();
  }

  async consume(deliver: (job: JobDelivery) => Promise<void>, options: ConsumeOptions): Promise<void> {
    let pumping = false;
    let again = false;
    const pump = async (): Promise<void> => {
      if (this.closed) return;
      if (pumping) {
        again = true;
        return;
      }
      pumping = true;
      try {
        do {
          again = false;
          const free = options.concurrency - this.inflight.size;
          if (free <= 0) break;
          // Ask for more than the free slots: some candidates may already be in flight here.
          const candidates = await this.repo.queued(options.kinds, free + this.inflight.size);
          for (const job of candidates) {
            if (this.closed || this.inflight.size >= options.concurrency) break;
            if (this.inflight.has(job.id)) continue;
            const run = deliver(job)
              .catch((err: unknown) => this.warn(`job ${job.id}: ${(err as Error).message}`))
              .finally(() => {
                this.inflight.delete(job.id);
                void pump();
              });
            this.inflight.set(job.id, run);
          }
        } while (again && !this.closed);
      } catch (err) {
        this.warn(`polling for queued jobs failed: ${(err as Error).message}`);
      } finally {
        pumping = false;
      }
    };
    this.wake = () => void pump();
    this.timer = setInterval(() => void pump(), this.pollMs);
    this.timer.unref();
    await pump();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wake = null;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await Promise.all([...this.inflight.values()]);
  }
}
