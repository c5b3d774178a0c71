/**
 * Behaviour of `JobService` with the embedded pool, run on SQLite and on a real PostgreSQL: results,
 * failures, progress and logs, cancellation (queued, running, a handler that ignores its signal),
 * following, recovery of jobs whose worker died (stale heartbeat, dead local process, attempts
 * exhausted), shutdown hand-back and bad input. Several services share one database as separate
 * processes would: every job runs exactly once and a cancel reaches another pool's job on both adapters;
 * that both pools take jobs is asserted only where claims interleave (`poolsSpreadWork`: PostgreSQL; on
 * SQLite one event loop's synchronous claims may win every job).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NotFoundError, UsageError } from '../core/errors.js';
import type { MetadataStoreHarness } from '../store/metadata-store.contract.js';
import type { MetadataStore } from '../store/metadata-store.js';
import { EmbeddedJobQueue } from './embedded-job-queue.js';
import type { JobEvent } from './job-service.js';
import { JobService } from './job-service.js';
import { localHost } from './worker-identity.js';

const TIMING = { heartbeatMs: 100, staleMs: 600, flushMs: 40, pollMs: 40 };

/** A service over `store` with quick timings and the test kinds registered. */
export function testJobService(store: MetadataStore, warnings: string[] = []): JobService {
  const jobs = new JobService(store, { queue: new EmbeddedJobQueue(store.jobs, TIMING.pollMs, (m) => warnings.push(m)), timing: TIMING, warn: (m) => warnings.push(m) });
  jobs.registerHandler('echo', async (ctx) => {
    ctx.progress(0.5, 'halfway');
    ctx.log('line one\nline two');
    return { echoed: ctx.payload, attempt: ctx.attempt };
  });
  jobs.registerHandler('fail', async () => {
    throw new UsageError('bad parameter x', { field: 'x' });
  });
  jobs.registerHandler('sleep', async (ctx) => {
    const ms = typeof ctx.payload === 'number' ? ctx.payload : 60_000;
    for (let i = 0; i < 10; i++) ctx.log(`tick ${i}`);
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(resolve, ms);
      ctx.signal.addEventListener('abort', () => {
        clearTimeout(t);
        reject(new Error('aborted'));
      });
    });
    return 'slept';
  });
  jobs.registerHandler('stubborn', async () => {
    await new Promise((r) => setTimeout(r, 5000));
    return 'ignored';
  });
  jobs.registerHandler('bad-result', async () => ({ x: Number.NaN }) as unknown as null);
  return jobs;
}

async function until<T>(fn: () => Promise<T | null | undefined | false>, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Registers the job service tests for one adapter. */
export function describeJobServiceContract(label: string, createHarness: () => Promise<MetadataStoreHarness>, poolsSpreadWork: boolean): void {
  describe(`JobService (embedded pool): ${label}`, () => {
    let harness: MetadataStoreHarness;
    let jobs: JobService;
    const services: JobService[] = [];

    beforeEach(async () => {
      harness = await createHarness();
      jobs = testJobService(harness.store);
      services.push(jobs);
    });
    afterEach(async () => {
      for (const s of services.splice(0)) await s.close();
      await harness.dispose();
    });

    it('runs a job to a result with progress and logs', async () => {
      await jobs.start({ concurrency: 2 });
      const submitted = await jobs.submit({ kind: 'echo', payload: { a: [1, 'é'] } });
      expect(submitted).toMatchObject({ status: 'queued', kind: 'echo', project: 'default', attempts: 0 });
      const done = await jobs.wait(submitted.id);
      expect(done).toMatchObject({ status: 'succeeded', progress: 1, result: { echoed: { a: [1, 'é'] }, attempt: 1 }, attempts: 1, error: null });
      expect(done.endedAt).not.toBeNull();
      const lines = (await jobs.logs(submitted.id)).items.map((l) => l.line);
      expect(lines).toEqual(['line one', 'line two']);
      expect((await jobs.logs(submitted.id, { after: 1 })).items.map((l) => l.seq)).toEqual([2]);
    });

    it('records a failing handler with its error code, without retrying it', async () => {
      await jobs.start();
      const job = await jobs.submit({ kind: 'fail' });
      expect(await jobs.wait(job.id)).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'usage', message: 'bad parameter x' } });
      const bad = await jobs.wait((await jobs.submit({ kind: 'bad-result' })).id);
      expect(bad).toMatchObject({ status: 'failed', error: { code: 'internal' } });
    });

    it('cancels a queued job at once and a running one within a second', async () => {
      const queued = await jobs.submit({ kind: 'sleep' });
      expect(await jobs.cancel(queued.id)).toMatchObject({ status: 'cancelled' });
      await jobs.start();
      const running = await jobs.submit({ kind: 'sleep' });
      await until(async () => (await jobs.get(running.id)).status === 'running');
      const t0 = Date.now();
      await jobs.cancel(running.id);
      const ended = await jobs.wait(running.id);
      expect(ended.status).toBe('cancelled');
      expect(Date.now() - t0).toBeLessThan(1000);
      expect((await jobs.logs(running.id)).items.map((l) => l.line)).toContain('cancelled on request');
      const stubborn = await jobs.submit({ kind: 'stubborn' });
      await until(async () => (await jobs.get(stubborn.id)).status === 'running');
      await jobs.cancel(stubborn.id);
      expect((await jobs.wait(stubborn.id)).status).toBe('cancelled');
      // Cancelling an ended job changes nothing.
      expect(await jobs.cancel(stubborn.id)).toMatchObject({ status: 'cancelled' });
    });

    it('follows a job: lines and progress as they come, the final record last', async () => {
      await jobs.start();
      const job = await jobs.submit({ kind: 'echo', payload: 1 });
      const events: JobEvent[] = [];
      for await (const e of jobs.follow(job.id, { pollMs: 20 })) events.push(e);
      const end = events.at(-1);
      expect(end?.type === 'end' && end.job.status).toBe('succeeded');
      expect(events.filter((e) => e.type === 'log').map((e) => (e.type === 'log' ? e.line : ''))).toEqual(['line one', 'line two']);
    });

    it('takes back a job whose worker stopped heartbeating, and fails it when attempts run out', async () => {
      const job = await jobs.submit({ kind: 'echo', payload: 'again' });
      const last = await jobs.submit({ kind: 'echo', maxAttempts: 1 });
      // Workers on another machine claimed them and went silent.
      const old = new Date(Date.now() - 10_000).toISOString();
      await harness.store.jobs.claim(job.id, 'elsewhere:1:dead', old);
      await harness.store.jobs.claim(last.id, 'elsewhere:2:dead', old);
      await jobs.start();
      expect(await jobs.wait(job.id)).toMatchObject({ status: 'succeeded', attempts: 2, result: { echoed: 'again', attempt: 2 } });
      const lines = (await jobs.logs(job.id)).items.map((l) => l.line);
      expect(lines).toContain(`attempt 1 of 2 was interrupted: worker elsewhere:1:dead stopped (last heartbeat ${old}); the job is queued again`);
      expect(lines).toContainEqual(expect.stringMatching(/^started on .* \(attempt 2 of 2\)$/));
      expect(await jobs.wait(last.id)).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'interrupted', message: expect.stringContaining('elsewhere:2:dead') } });
    });

    it('takes back at once a job whose process on this machine is gone', async () => {
      const job = await jobs.submit({ kind: 'echo' });
      // A pid that cannot exist (above pid_max), claimed just now: the heartbeat is fresh.
      await harness.store.jobs.claim(job.id, `${localHost()}:999999999:x`, new Date().toISOString());
      const t0 = Date.now();
      await jobs.start();
      expect(await jobs.wait(job.id)).toMatchObject({ status: 'succeeded', attempts: 2 });
      expect(Date.now() - t0).toBeLessThan(TIMING.staleMs);
    });

    it('hands running jobs back on shutdown', async () => {
      await jobs.start();
      const job = await jobs.submit({ kind: 'sleep' });
      await until(async () => (await jobs.get(job.id)).status === 'running');
      await jobs.close();
      expect(await harness.store.jobs.get(job.id)).toMatchObject({ status: 'queued', attempts: 1, error: { code: 'interrupted' } });
      const next = testJobService(harness.store);
      services.push(next);
      await next.start();
      await until(async () => (await next.get(job.id)).status === 'running');
      await next.cancel(job.id);
      expect((await next.wait(job.id)).status).toBe('cancelled');
    });

    it('refuses bad requests and writes nothing', async () => {
      await expect(jobs.submit({ kind: 'nope' })).rejects.toBeInstanceOf(UsageError);
      await expect(jobs.submit({ kind: 'Bad Kind!' })).rejects.toBeInstanceOf(UsageError);
      await expect(jobs.submit({ kind: 'echo', payload: { x: Number.NaN } })).rejects.toBeInstanceOf(UsageError);
      await expect(jobs.submit({ kind: 'echo', payload: 'x'.repeat(2_000_000) })).rejects.toBeInstanceOf(UsageError);
      await expect(jobs.submit({ kind: 'echo', project: 'missing-project' })).rejects.toBeInstanceOf(NotFoundError);
      await expect(jobs.submit({ kind: 'echo', project: '../x' })).rejects.toBeInstanceOf(UsageError);
      await expect(jobs.submit({ kind: 'echo', maxAttempts: 0 })).rejects.toBeInstanceOf(UsageError);
      await expect(jobs.submit(null as unknown as { kind: string })).rejects.toBeInstanceOf(UsageError);
      expect((await jobs.list()).items).toEqual([]);
      await expect(jobs.get('missing')).rejects.toBeInstanceOf(NotFoundError);
      await expect(jobs.get('')).rejects.toBeInstanceOf(UsageError);
      await expect(jobs.get('x'.repeat(300))).rejects.toBeInstanceOf(UsageError);
      await expect(jobs.cancel('missing')).rejects.toBeInstanceOf(NotFoundError);
      await expect(jobs.logs('missing')).rejects.toBeInstanceOf(NotFoundError);
      await expect(jobs.start({ concurrency: 0 })).rejects.toBeInstanceOf(UsageError);
      expect(() => jobs.registerHandler('echo', async () => null)).toThrow(UsageError);
      const other = await jobs.submit({ kind: 'echo' });
      await expect(jobs.get(other.id, 'another')).rejects.toBeInstanceOf(NotFoundError);
      expect((await jobs.list({ status: ['queued'], kind: 'echo' })).items.map((j) => j.id)).toEqual([other.id]);
    });

    it('shares one database between several pools: every job runs exactly once', async () => {
      const second = testJobService(await harness.reopen());
      services.push(second);
      await jobs.start({ concurrency: 3 });
      await second.start({ concurrency: 3 });
      const ids = await Promise.all(Array.from({ length: 30 }, (_, i) => jobs.submit({ kind: 'echo', payload: i }).then((j) => j.id)));
      const done = await Promise.all(ids.map((id) => jobs.wait(id)));
      expect(done.every((j) => j.status === 'succeeded' && j.attempts === 1)).toBe(true);
      if (poolsSpreadWork) expect(new Set(done.map((j) => j.workerId)).size).toBe(2);
      // A cancel from another process reaches the running job through its heartbeat.
      const slow = await jobs.submit({ kind: 'sleep' });
      const running = await until(async () => {
        const j = await jobs.get(slow.id);
        return j.status === 'running' ? j : null;
      });
      const canceller = running.workerId === jobs.workerId ? second : jobs;
      const t0 = Date.now();
      await canceller.cancel(slow.id);
      expect((await canceller.wait(slow.id)).status).toBe('cancelled');
      expect(Date.now() - t0).toBeLessThan(2000);
    });
  });
}
