/**
 * Picks the job queue from the job settings: BullMQ on Redis when `KILN_REDIS_URL` is set, else the
 * embedded pool over the metadata store. Nothing connects here; BullMQ connects on first use.
 */
import { BullmqJobQueue } from '../store/bullmq/bullmq-job-queue.js';
import type { JobQueue } from '../store/job-queue.js';
import type { MetadataStore } from '../store/metadata-store.js';
import { EmbeddedJobQueue } from './embedded-job-queue.js';
import type { JobsConfig } from './jobs-config.js';

/** The queue `config` asks for. */
export function openJobQueue(config: JobsConfig, metadata: MetadataStore, warn: (message: string) => void): JobQueue {
  if (config.redisUrl !== undefined) return new BullmqJobQueue(config.redisUrl, { queueName: config.queueName, lockDurationMs: config.timing.staleMs });
  return new EmbeddedJobQueue(metadata.jobs, config.timing.pollMs, warn);
}
