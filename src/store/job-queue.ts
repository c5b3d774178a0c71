/**
 * The `JobQueue` port: how job ids travel from whoever submits a job to the processes that run it.
 * The job itself (payload, state, owner) lives in `metadata.jobs`; a queue only delivers `{ id, kind }`,
 * and may deliver an id more than once (a redelivery after a stalled worker): the job service's
 * compare-and-set claim on the row makes a duplicate harmless. Adapters: the metadata store itself,
 * polled (`src/jobs/embedded-job-queue.ts`, the default), and BullMQ on Redis
 * (`store/bullmq/bullmq-job-queue.ts`, when `KILN_REDIS_URL` is set).
 */

/** What a queue delivers. */
export interface JobDelivery {
  readonly id: string;
  readonly kind: string;
}

/** How a process consumes. */
export interface ConsumeOptions {
  /** Deliveries in flight at most. */
  readonly concurrency: number;
  /** Kinds this process has handlers for. */
  readonly kinds: readonly string[];
}

/** Delivers persisted jobs to consumers. */
export interface JobQueue {
  /** `embedded` or `bullmq`. */
  readonly mode: 'embedded' | 'bullmq';
  /** Throws a UsageError naming the setting when the queue's server is unreachable; cheap when it is up. */
  ready(): Promise<void>;
  /** Makes a job that is queued in the metadata store available to consumers; `attempt` > 0 for a re-delivery. */
  enqueue(job: JobDelivery, attempt?: number): Promise<void>;
  /** Starts handing jobs to `deliver`, which resolves once the job is done with (ran, or was not ours). */
  consume(deliver: (job: JobDelivery) => Promise<void>, options: ConsumeOptions): Promise<void>;
  /** Stops taking jobs, waits for deliveries in flight to return, and releases connections. */
  close(): Promise<void>;
}
