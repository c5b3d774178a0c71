/**
 * Conformance suite for the monitor repository (migration 13). Each SQL adapter's test file calls
 * `describeMonitorRepositoryContract` with a fresh, migrated store.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConflictError, UsageError } from '../core/errors.js';
import type { MetadataStore } from './metadata-store.js';
import type { StoredMonitorRun } from './monitor-repository.js';

/** A fresh store for one test. */
export interface MonitorRepositoryHarness {
  readonly store: MetadataStore;
  dispose(): Promise<void>;
}

const HASH = 'cd'.repeat(32);

const run = (runId: string, at: string, value: number, overrides: Partial<StoredMonitorRun> = {}): StoredMonitorRun => ({
  project: 'default',
  monitor: 'm1',
  endpoint: 'churn',
  runId,
  at,
  windowStart: '2026-01-01T00:00:00.000Z',
  windowEnd: at,
  status: 'ok',
  points: [
    { check: 'drift', metric: 'drift_share', column: null, value },
    { check: 'drift', metric: 'psi', column: 'age', value: value / 2, drifted: value > 0.5 },
  ],
  notes: ['a note'],
  ...overrides,
});

/** Registers the conformance tests for one adapter. */
export function describeMonitorRepositoryContract(label: string, create: () => Promise<MonitorRepositoryHarness>): void {
  describe(`monitor repository contract: ${label}`, () => {
    let h: MonitorRepositoryHarness;
    beforeEach(async () => {
      h = await create();
    });
    afterEach(async () => {
      await h.dispose();
    });

    it('versions baselines per name and project, lists the latest of each, and reports their artifacts', async () => {
      const repo = h.store.monitors;
      const base = { sourceKind: 'dataset' as const, source: 'train@1', documentHash: HASH, sampleHash: null, rows: 10, columns: ['age'], createdAt: '2026-01-01T00:00:00.000Z', createdBy: 'local:me' };
      expect((await repo.createBaseline({ ...base, name: 'b' })).version).toBe(1);
      expect((await repo.createBaseline({ ...base, name: 'b', sampleHash: 'ef'.repeat(32) })).version).toBe(2);
      expect((await repo.createBaseline({ ...base, name: 'a' })).version).toBe(1);
      expect((await repo.getBaseline('b'))?.version).toBe(2);
      expect((await repo.getBaseline('b', 1))?.sampleHash).toBeNull();
      expect(await repo.getBaseline('b', 3)).toBeNull();
      const page = await repo.listBaselines();
      expect(page.items.map((b) => `${b.name}@${b.version}`)).toEqual(['a@1', 'b@2']);
      expect((await repo.listBaselines({ limit: 1 })).next).not.toBeNull();
      expect(await h.store.inProject('other').monitors.getBaseline('b')).toBeNull();
      expect((await repo.artifactHashes()).sort()).toEqual([HASH, 'ef'.repeat(32)].sort());
    });

    it('creates, lists and deletes monitors (with their runs); a taken name is a conflict', async () => {
      const repo = h.store.monitors;
      const m = { name: 'm1', endpoint: 'churn', spec: { checks: ['drift'] }, schedule: '*/5 * * * *', createdAt: '2026-01-01T00:00:00.000Z', createdBy: 'local:me' };
      await repo.createMonitor(m);
      await expect(repo.createMonitor(m)).rejects.toBeInstanceOf(ConflictError);
      await h.store.inProject('other').monitors.createMonitor(m);
      expect((await repo.getMonitor('m1'))?.spec).toEqual({ checks: ['drift'] });
      expect((await repo.listMonitors()).items.map((x) => x.name)).toEqual(['m1']);
      expect((await repo.scheduled()).map((x) => x.project).sort()).toEqual(['default', 'other']);
      await repo.recordRun(run('r1', '2026-01-01T01:00:00.000Z', 0.2));
      expect(await repo.deleteMonitor('m1')).toBe(true);
      expect(await repo.deleteMonitor('m1')).toBe(false);
      expect(await repo.getRun('r1')).toBeNull();
      expect(await h.store.inProject('other').monitors.getMonitor('m1')).not.toBeNull();
    });

    it('moves the schedule position by compare-and-set only', async () => {
      const repo = h.store.monitors;
      await repo.createMonitor({ name: 'm1', endpoint: 'e', spec: {}, schedule: '0 * * * *', createdAt: '2026-01-01T00:00:00.000Z', createdBy: 'x' });
      expect(await repo.claimSchedule('m1', null, '2026-01-01T01:00:00.000Z')).toBe(true);
      expect(await repo.claimSchedule('m1', null, '2026-01-01T01:00:00.000Z')).toBe(false);
      expect(await repo.claimSchedule('m1', '2026-01-01T01:00:00.000Z', '2026-01-01T02:00:00.000Z')).toBe(true);
      expect(await repo.claimSchedule('m1', '2026-01-01T01:00:00.000Z', '2026-01-01T03:00:00.000Z')).toBe(false);
      expect((await repo.getMonitor('m1'))?.lastScheduledAt).toBe('2026-01-01T02:00:00.000Z');
    });

    it('stores runs with their points and reads them back newest first and as a time series', async () => {
      const repo = h.store.monitors;
      await repo.recordRun(run('r1', '2026-01-01T01:00:00.000Z', 0.2));
      await repo.recordRun(run('r2', '2026-01-01T02:00:00.000Z', 0.8));
      await repo.recordRun(run('r3', '2026-01-01T03:00:00.000Z', 0, { status: 'empty', points: [], notes: ['the window held no rows'] }));
      const recent = await repo.recentRuns('m1', 2);
      expect(recent.map((r) => r.runId)).toEqual(['r3', 'r2']);
      expect(recent[1].points).toEqual([
        { check: 'drift', metric: 'drift_share', column: null, value: 0.8 },
        { check: 'drift', metric: 'psi', column: 'age', value: 0.4, drifted: true },
      ]);
      expect(recent[0].notes).toEqual(['the window held no rows']);
      const psi = await repo.series({ monitor: 'm1', metric: 'psi', column: 'age' });
      expect(psi.map((p) => [p.runId, p.value])).toEqual([
        ['r1', 0.1],
        ['r2', 0.4],
      ]);
      expect((await repo.series({ monitor: 'm1', column: null })).map((p) => p.metric)).toEqual(['drift_share', 'drift_share']);
      expect((await repo.series({ monitor: 'm1', from: '2026-01-01T02:00:00.000Z' })).length).toBe(2);
      expect(await h.store.inProject('other').monitors.recentRuns('m1', 10)).toEqual([]);
    });

    it('refuses a non-finite point and writes nothing of that run', async () => {
      const repo = h.store.monitors;
      const bad = run('r9', '2026-01-01T01:00:00.000Z', Number.NaN);
      await expect(repo.recordRun(bad)).rejects.toBeInstanceOf(UsageError);
      expect(await repo.getRun('r9')).toBeNull();
    });
  });
}
