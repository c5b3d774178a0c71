/**
 * Redis unreachable: submitting and starting a BullMQ-backed job service fail fast with a UsageError naming
 * KILN_REDIS_URL (password redacted), and nothing is written to the metadata store. Reading jobs still works.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../core/errors.js';
import { BullmqJobQueue } from '../store/bullmq/bullmq-job-queue.js';
import type { MetadataStoreHarness } from '../store/metadata-store.contract.js';
import { createSqliteHarness } from '../store/sqlite/sqlite-test-harness.js';
import { JobService } from './job-service.js';
import { jobsConfigFromEnv } from './jobs-config.js';
import { pingJobHandler } from './ping-job.js';

describe('BullMQ with Redis unreachable', () => {
  let harness: MetadataStoreHarness;
  let jobs: JobService;

  beforeEach(async () => {
    harness = await createSqliteHarness();
    jobs = new JobService(harness.store, { queue: new BullmqJobQueue('redis://kiln:secret@127.0.0.1:1', { lockDurationMs: 1000, connectTimeoutMs: 500 }), warn: () => undefined });
    jobs.registerHandler('ping', pingJobHandler(() => null));
  });
  afterEach(async () => {
    await jobs.close();
    await harness.dispose();
  });

  it('names KILN_REDIS_URL and writes nothing', async () => {
    const err = await jobs.submit({ kind: 'ping' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).details.field).toBe('KILN_REDIS_URL');
    expect((err as UsageError).message).toMatch(/redis:\/\/kiln:\*\*\*@127\.0\.0\.1:1 \(KILN_REDIS_URL\) is unreachable/);
    expect((err as UsageError).message).not.toMatch(/secret/);
    expect((await jobs.list()).items).toEqual([]);
    await expect(jobs.start()).rejects.toBeInstanceOf(UsageError);
  });

  it('checks the job settings in the environment', () => {
    expect(jobsConfigFromEnv({})).toMatchObject({ redisUrl: undefined, queueName: 'kiln-jobs', concurrency: 1, timing: { heartbeatMs: 1000, staleMs: 30000 } });
    expect(jobsConfigFromEnv({ KILN_REDIS_URL: 'redis://h:6379', KILN_JOBS_CONCURRENCY: '4' })).toMatchObject({ redisUrl: 'redis://h:6379', concurrency: 4 });
    const bad: NodeJS.ProcessEnv[] = [
      { KILN_REDIS_URL: 'http://x' },
      { KILN_JOBS_CONCURRENCY: '0' },
      { KILN_JOBS_CONCURRENCY: '1.5' },
      { KILN_JOBS_HEARTBEAT_MS: 'fast' },
      { KILN_JOBS_STALE_MS: '100' },
      { KILN_JOBS_HEARTBEAT_MS: '1000', KILN_JOBS_STALE_MS: '1500' },
      { KILN_JOBS_QUEUE: 'a:b' },
    ];
    for (const env of bad) {
      const name = Object.keys(env).at(-1) ?? '';
      expect(() => jobsConfigFromEnv(env), name).toThrow(UsageError);
    }
  });
});
