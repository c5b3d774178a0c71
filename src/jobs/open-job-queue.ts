/**
 * Picks the job queue from the job settings: BullMQ on Redis when `KILN_REDIS_URL` is set, else the
 * embedded pool over the metadata store. Nothing connects here; BullMQ connects on first use. BullMQ and
 * ioredis are loaded only when Redis is configured (about 0.2 s of every embedded CLI command otherwise).
 */
import type { JobQueue } from '../store/job-queue.js';
import type { MetadataStore } from '../store/metadata-store.js';
import { EmbeddedJobQueue } from './embedded-job-queue.js';
import type { JobsConfig } from './jobs-config.js';

/** The queue `config` asks for. */
export async function openJobQueue(config: JobsConfig, metadata: MetadataStore, warn: (message: string) => void): Promise<JobQueue> {
  if (config.redisUrl !== undefined) {
    const { BullmqJobQueue } = await import('../store/bullmq/bullmq-job-queue.js');
    return new BullmqJobQueue(config.redisUrl, { queueName: config.queueName, lockDurationMs: config.timing.staleMs });
  }
  return new EmbeddedJobQueue(metadata.jobs, config.timing.pollMs, warn);
}
