/**
 * Conformance suite for `metadata.jobs`: round trips, validation, keyset paging and filters, the
 * compare-and-set transitions (claim, heartbeat, finish, release) under races, stale detection,
 * cancellation in every state, and append-only paged logs with concurrent appenders.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, UsageError } from '../core/errors.js';
import type { JobRepository, NewJob } from './job-repository.js';
import { MAX_JOB_LOG_LINE } from './job-repository.js';
import type { MetadataStoreHarness } from './metadata-store.contract.js';

const AT = '2026-01-01T00:00:00.000Z';

function at(seconds: number): string {
  return new Date(Date.parse(AT) + seconds * 1000).toISOString();
}

/** A queued job fixture created `n` seconds after AT. */
export function jobFixture(n: number, overrides: Partial<NewJob> = {}): NewJob {
  return { id: `job-${String(n).padStart(3, '0')}`, kind: n % 2 ? 'train' : 'tune', payload: { n, name: 'é ✓', nested: [1, null, { a: true }] }, maxAttempts: 2, createdAt: at(n), ...overrides };
}

/** Registers the job repository conformance tests for one adapter. */
export function describeJobRepositoryContract(label: string, createHarness: () => Promise<MetadataStoreHarness>): void {
  describe(`JobRepository contract: ${label}`, () => {
    let harness: MetadataStoreHarness;
    let jobs: JobRepository;

    beforeEach(async () => {
      harness = await createHarness();
      jobs = harness.store.jobs;
    });
    afterEach(async () => {
      await harness.dispose();
    });

    it('creates queued jobs and reads them back', async () => {
      const created = await jobs.create(jobFixture(1, { runId: 'run-1', createdBy: 'local:me', project: 'risk' }));
      expect(created).toMatchObject({ id: 'job-001', project: 'risk', kind: 'train', status: 'queued', progress: 0, attempts: 0, maxAttempts: 2, runId: 'run-1', result: null, error: null });
      expect(await jobs.get('job-001')).toEqual(created);
      expect((await jobs.create(jobFixture(2))).project).toBe('default');
      expect(await jobs.get('missing')).toBeNull();
      expect(await jobs.get('')).toBeNull();
      await expect(jobs.create(jobFixture(1))).rejects.toBeInstanceOf(ConflictError);
    });

    it('refuses bad fields and writes nothing', async () => {
      const bad: Partial<NewJob>[] = [
        { kind: 'Bad Kind' },
        { kind: '' },
        { kind: '../etc' },
        { payload: { x: Number.NaN } },
        { payload: { x: Number.POSITIVE_INFINITY } },
        { payload: 'x'.repeat(1024 * 1024 + 1) },
        { maxAttempts: 0 },
        { maxAttempts: 1.5 },
        { project: 'Bad Project' },
        { id: '' },
        { id: 'x'.repeat(201) },
        { runId: '' },
      ];
      for (const b of bad) await expect(jobs.create(jobFixture(9, b))).rejects.toBeInstanceOf(UsageError);
      expect((await jobs.list()).items).toEqual([]);
    });

    it('lists newest first with filters and keyset pages', async () => {
      for (let i = 1; i <= 7; i++) await jobs.create(jobFixture(i, i === 7 ? { project: 'other' } : {}));
      await jobs.claim('job-002', 'w', at(100));
      const all: string[] = [];
      let cursor: string | null = null;
      do {
        const page = await jobs.list({ project: 'default' }, { limit: 2, cursor });
        all.push(...page.items.map((j) => j.id));
        cursor = page.next;
      } while (cursor !== null);
      expect(all).toEqual(['job-006', 'job-005', 'job-004', 'job-003', 'job-002', 'job-001']);
      expect((await jobs.list({ kind: 'train' })).items.map((j) => j.id)).toEqual(['job-007', 'job-005', 'job-003', 'job-001']);
      expect((await jobs.list({ status: ['running'] })).items.map((j) => j.id)).toEqual(['job-002']);
      expect((await jobs.list({ status: ['running', 'queued'], kind: 'tune' })).items.map((j) => j.id)).toEqual(['job-006', 'job-004', 'job-002']);
      await expect(jobs.list({}, { cursor: 'garbage!' })).rejects.toBeInstanceOf(UsageError);
      await expect(jobs.list({ status: ['nope' as 'queued'] })).rejects.toBeInstanceOf(UsageError);
      await expect(jobs.list({}, { limit: 0 })).rejects.toBeInstanceOf(UsageError);
    });

    it('lets exactly one of several racing workers claim a job', async () => {
      await jobs.create(jobFixture(1));
      await jobs.create(jobFixture(3));
      expect(await jobs.queued(['train'], 10)).toEqual([{ id: 'job-001', kind: 'train' }, { id: 'job-003', kind: 'train' }]);
      expect(await jobs.queued(['other'], 10)).toEqual([]);
      const results = await Promise.all(['a', 'b', 'c', 'd'].map((w) => jobs.claim('job-001', w, at(10))));
      const winners = results.filter((r) => r !== null);
      expect(winners).toHaveLength(1);
      expect(winners[0]).toMatchObject({ status: 'running', attempts: 1, startedAt: at(10), heartbeatAt: at(10) });
      expect(await jobs.queued(['train'], 10)).toEqual([{ id: 'job-003', kind: 'train' }]);
      expect(await jobs.claim('missing', 'a', at(10))).toBeNull();
    });

    it('heartbeats, reports cancel requests and ends only by its owner', async () => {
      await jobs.create(jobFixture(1));
      await jobs.claim('job-001', 'w1', at(10));
      expect(await jobs.heartbeat('job-001', 'w1', at(11), { fraction: 0.5, message: 'half' })).toEqual({ cancelRequested: false });
      expect(await jobs.heartbeat('job-001', 'w2', at(11))).toBeNull();
      await expect(jobs.heartbeat('job-001', 'w1', at(11), { fraction: 1.5, message: null })).rejects.toBeInstanceOf(UsageError);
      await expect(jobs.heartbeat('job-001', 'w1', at(11), { fraction: Number.NaN, message: null })).rejects.toBeInstanceOf(UsageError);
      expect(await jobs.get('job-001')).toMatchObject({ progress: 0.5, progressMessage: 'half', heartbeatAt: at(11) });
      const asked = await jobs.requestCancel('job-001', at(12));
      expect(asked).toMatchObject({ status: 'running', cancelRequestedAt: at(12) });
      expect(await jobs.heartbeat('job-001', 'w1', at(13))).toEqual({ cancelRequested: true });
      expect(await jobs.finish('job-001', 'w2', { status: 'cancelled', at: at(14) })).toBeNull();
      const ended = await jobs.finish('job-001', 'w1', { status: 'cancelled', at: at(14) });
      expect(ended).toMatchObject({ status: 'cancelled', endedAt: at(14), error: { code: 'cancelled' } });
      expect(await jobs.finish('job-001', 'w1', { status: 'succeeded', result: 1, at: at(15) })).toBeNull();
      expect(await jobs.heartbeat('job-001', 'w1', at(15))).toBeNull();
    });

    it('stores results and errors', async () => {
      await jobs.create(jobFixture(1));
      await jobs.create(jobFixture(3));
      await jobs.claim('job-001', 'w', at(1));
      await jobs.claim('job-003', 'w', at(1));
      await expect(jobs.finish('job-001', 'w', { status: 'succeeded', result: { x: Number.NaN }, at: at(2) })).rejects.toBeInstanceOf(UsageError);
      expect(await jobs.finish('job-001', 'w', { status: 'succeeded', result: { model: 'm1', metrics: { auc: 0.9 } }, at: at(2) })).toMatchObject({ status: 'succeeded', progress: 1, result: { model: 'm1', metrics: { auc: 0.9 } } });
      const failed = await jobs.finish('job-003', 'w', { status: 'failed', error: { code: 'input', message: 'x'.repeat(5000) }, at: at(2) });
      expect(failed?.status).toBe('failed');
      expect(failed?.error?.code).toBe('input');
      expect(failed?.error?.message.length).toBeLessThanOrEqual(1000);
    });

    it('finds stale and local running jobs and releases them once', async () => {
      for (const n of [1, 3, 5]) await jobs.create(jobFixture(n));
      await jobs.claim('job-001', 'hostA:1:x', at(10));
      await jobs.claim('job-003', 'hostB:2:y', at(10));
      await jobs.claim('job-005', 'hostA:3:z', at(10));
      await jobs.heartbeat('job-005', 'hostA:3:z', at(30));
      expect((await jobs.stale(at(20), 10)).map((j) => j.id).sort()).toEqual(['job-001', 'job-003']);
      expect((await jobs.runningOn('hostA:')).map((j) => j.id).sort()).toEqual(['job-001', 'job-005']);
      const interrupted = { code: 'interrupted', message: 'worker hostA:1:x stopped' };
      const [first, second] = await Promise.all([jobs.release('job-001', 'hostA:1:x', at(21), true, interrupted), jobs.release('job-001', 'hostA:1:x', at(21), true, interrupted)]);
      expect([first, second].filter((r) => r !== null)).toHaveLength(1);
      expect(await jobs.get('job-001')).toMatchObject({ status: 'queued', attempts: 1, error: interrupted });
      expect(await jobs.claim('job-001', 'hostB:9:q', at(22))).toMatchObject({ attempts: 2, workerId: 'hostB:9:q' });
      expect(await jobs.release('job-003', 'hostB:2:y', at(21), false, interrupted)).toMatchObject({ status: 'failed', endedAt: at(21), error: interrupted });
      await jobs.requestCancel('job-005', at(31));
      expect(await jobs.release('job-005', 'hostA:3:z', at(32), true, interrupted)).toMatchObject({ status: 'cancelled', endedAt: at(32) });
    });

    it('cancels queued jobs at once and leaves final jobs alone', async () => {
      await jobs.create(jobFixture(1));
      expect(await jobs.requestCancel('job-001', at(5))).toMatchObject({ status: 'cancelled', endedAt: at(5) });
      expect(await jobs.claim('job-001', 'w', at(6))).toBeNull();
      expect(await jobs.requestCancel('job-001', at(7))).toMatchObject({ status: 'cancelled', endedAt: at(5), cancelRequestedAt: null });
      expect(await jobs.requestCancel('missing', at(7))).toBeNull();
    });

    it('appends log lines in order and pages them', async () => {
      await jobs.create(jobFixture(1));
      expect(await jobs.appendLogs('job-001', [])).toBe(0);
      expect(await jobs.appendLogs('job-001', [{ at: at(1), line: 'one' }, { at: at(1), line: 'two' }])).toBe(2);
      expect(await jobs.appendLogs('job-001', [{ at: at(2), line: 'x'.repeat(MAX_JOB_LOG_LINE + 10) }, { at: at(2), line: 'ünï ✓ \u0000' }])).toBe(4);
      const page = await jobs.logs('job-001', 0, { limit: 3 });
      expect(page.items.map((l) => l.seq)).toEqual([1, 2, 3]);
      expect(page.items[0]).toEqual({ seq: 1, at: at(1), line: 'one' });
      expect(page.items[2].line.length).toBeLessThanOrEqual(MAX_JOB_LOG_LINE);
      expect(page.items[2].line.endsWith('[truncated]')).toBe(true);
      const rest = await jobs.logs('job-001', 0, { limit: 3, cursor: page.next });
      // NUL cannot be stored in PostgreSQL text: every adapter stores U+FFFD instead.
      expect(rest.items.map((l) => l.line)).toEqual(['ünï ✓ \uFFFD']);
      expect(rest.next).toBeNull();
      expect((await jobs.logs('job-001', 2)).items.map((l) => l.seq)).toEqual([3, 4]);
      expect((await jobs.logs('missing')).items).toEqual([]);
      await expect(jobs.logs('job-001', -1)).rejects.toBeInstanceOf(UsageError);
      await expect(jobs.appendLogs('missing', [{ at: at(1), line: 'x' }])).rejects.toBeInstanceOf(NotFoundError);
    });

    it('gives concurrent appenders distinct, gap-free seqs', async () => {
      await jobs.create(jobFixture(1));
      await Promise.all(
        Array.from({ length: 6 }, (_, i) => jobs.appendLogs('job-001', Array.from({ length: 20 }, (_, k) => ({ at: at(i), line: `${i}-${k}` })))),
      );
      const page = await jobs.logs('job-001', 0, { limit: 1000 });
      expect(page.items.map((l) => l.seq)).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
      expect(new Set(page.items.map((l) => l.line)).size).toBe(120);
    });

    it('links a run only for the owner and deletes a job with its lines', async () => {
      await jobs.create(jobFixture(1));
      await jobs.claim('job-001', 'w', at(1));
      expect(await jobs.linkRun('job-001', 'other', 'run-x')).toBe(false);
      expect(await jobs.linkRun('job-001', 'w', 'run-x')).toBe(true);
      expect((await jobs.get('job-001'))?.runId).toBe('run-x');
      await expect(jobs.linkRun('job-001', 'w', '')).rejects.toBeInstanceOf(UsageError);
      await jobs.appendLogs('job-001', [{ at: at(1), line: 'x' }]);
      expect(await jobs.delete('job-001')).toBe(true);
      expect(await jobs.delete('job-001')).toBe(false);
      expect(await jobs.get('job-001')).toBeNull();
      expect((await jobs.logs('job-001')).items).toEqual([]);
    });

    it('rolls a job back with its transaction', async () => {
      await expect(
        harness.store.transaction(async (tx) => {
          await tx.jobs.create(jobFixture(1));
          await tx.jobs.appendLogs('job-001', [{ at: at(1), line: 'x' }]);
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await jobs.get('job-001')).toBeNull();
    });
  });
}
