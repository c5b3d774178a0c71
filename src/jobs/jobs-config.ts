/**
 * Job settings from the environment: `KILN_REDIS_URL` (set: BullMQ on Redis; unset: the embedded pool),
 * `KILN_JOBS_QUEUE` (BullMQ queue name, default `kiln-jobs`), `KILN_JOBS_CONCURRENCY` (jobs a `kiln
 * server` runs at once, default 1), and the timings `KILN_JOBS_HEARTBEAT_MS` (default 1000),
 * `KILN_JOBS_STALE_MS` (default 30000: how long a silent worker is given before its job is taken back)
 * and `KILN_JOBS_POLL_MS` (default 500). A malformed value is a UsageError naming the variable.
 */
import { UsageError } from '../core/errors.js';
import type { JobTiming } from './job-runner.js';

/** Resolved job settings. */
export interface JobsConfig {
  readonly redisUrl: string | undefined;
  readonly queueName: string;
  readonly concurrency: number;
  readonly timing: JobTiming;
}

/** The defaults (docs/jobs.md). */
export const DEFAULT_JOB_TIMING: JobTiming = { heartbeatMs: 1000, staleMs: 30_000, flushMs: 200, pollMs: 500 };

function whole(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const v = Number(raw);
  if (!/^\s*\d+\s*$/.test(raw) || v < min || v > max) throw new UsageError(`${name} must be a whole number from ${min} to ${max} (got ${JSON.stringify(raw)})`, { field: name });
  return v;
}

/** Reads the job settings from `env`. */
export function jobsConfigFromEnv(env: NodeJS.ProcessEnv = process.env): JobsConfig {
  const redisUrl = env.KILN_REDIS_URL?.trim() || undefined;
  if (redisUrl !== undefined && !/^rediss?:\/\/[^\s]+$/.test(redisUrl)) {
    throw new UsageError('KILN_REDIS_URL must be a redis:// or rediss:// URL', { field: 'KILN_REDIS_URL' }, 'e.g. redis://127.0.0.1:6379; unset it to run jobs in-process');
  }
  const queueName = env.KILN_JOBS_QUEUE?.trim() || 'kiln-jobs';
  if (!/^[A-Za-z0-9_.-]{1,100}$/.test(queueName)) throw new UsageError('KILN_JOBS_QUEUE must be 1-100 letters, digits, "_", "." or "-"', { field: 'KILN_JOBS_QUEUE' });
  const heartbeatMs = whole(env, 'KILN_JOBS_HEARTBEAT_MS', DEFAULT_JOB_TIMING.heartbeatMs, 50, 600_000);
  const staleMs = whole(env, 'KILN_JOBS_STALE_MS', DEFAULT_JOB_TIMING.staleMs, 200, 86_400_000);
  if (staleMs < 2 * heartbeatMs) throw new UsageError(`KILN_JOBS_STALE_MS (${staleMs}) must be at least twice KILN_JOBS_HEARTBEAT_MS (${heartbeatMs})`, { field: 'KILN_JOBS_STALE_MS' });
  return {
    redisUrl,
    queueName,
    concurrency: whole(env, 'KILN_JOBS_CONCURRENCY', 1, 1, 256),
    timing: { heartbeatMs, staleMs, flushMs: Math.min(DEFAULT_JOB_TIMING.flushMs, heartbeatMs), pollMs: whole(env, 'KILN_JOBS_POLL_MS', DEFAULT_JOB_TIMING.pollMs, 10, 60_000) },
  };
}
