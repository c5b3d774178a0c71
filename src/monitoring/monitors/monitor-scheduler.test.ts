/**
 * The monitor scheduler: due runs become `monitor` jobs run by the embedded pool; after downtime that
 * missed many due times ONE run (the latest) is submitted, not one per missed time; two schedulers on one
 * store submit each due time once; a schedule is not due before the monitor existed.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kiln } from '../../kiln.js';
import { openKiln } from '../../kiln.js';
import { MonitorScheduler } from './monitor-scheduler.js';
import { parseMonitorJobPayload } from './monitor-job.js';

let kiln: Kiln;

beforeAll(async () => {
  const home = await mkdtemp(join(tmpdir(), 'kiln-monitor-sched-'));
  kiln = await openKiln({ home, databaseUrl: undefined });
  const csv = join(home, 't.csv');
  await writeFile(csv, `x,y\n${Array.from({ length: 60 }, (_, i) => `${i},${i % 2 ? 'a' : 'b'}`).join('\n')}\n`);
  const trained = await kiln.training.train({ data: { file: csv }, target: 'y', params: { numTrees: 2 } });
  await kiln.endpoints.create({ name: 'sched', model: `trained:${trained.model.id}` });
}, 60_000);
afterAll(async () => {
  await kiln?.close();
});

describe('MonitorScheduler', () => {
  it('submits one job for many missed due times, once across two schedulers, and the jobs run', async () => {
    const created = await kiln.monitors.create({ name: 'every5', endpoint: 'sched', schedule: '*/5 * * * *', window: '10m' });
    const start = Date.parse(created.lastScheduledAt ?? '');
    expect(start).toBeLessThanOrEqual(Date.now());
    expect(start % 300_000).toBe(0);
    // Not due again until the next five-minute mark.
    expect((await new MonitorScheduler(kiln.metadata, kiln.jobs, { now: () => start + 60_000 }).tick()).submitted).toEqual([]);

    // Three hours of downtime: 36 due times missed, one run submitted (for the latest).
    let clock = start + 3 * 3_600_000 + 90_000;
    const a = new MonitorScheduler(kiln.metadata, kiln.jobs, { now: () => clock });
    const b = new MonitorScheduler(kiln.metadata, kiln.jobs, { now: () => clock });
    const latest = new Date(start + 3 * 3_600_000).toISOString();
    expect((await a.tick()).submitted).toEqual([`default/every5@${latest}`]);
    expect((await a.tick()).submitted).toEqual([]);
    expect((await b.tick()).submitted).toEqual([]);

    // The next due time, with both schedulers racing: one submission.
    clock += 5 * 60_000;
    const both = await Promise.all([a.tick(), b.tick()]);
    expect(both.flatMap((t) => t.submitted)).toHaveLength(1);

    const jobs = (await kiln.jobs.list({ kind: 'monitor' })).items;
    expect(jobs).toHaveLength(2);
    expect(jobs.map((j) => parseMonitorJobPayload(j.payload).at).sort()).toEqual([latest, new Date(start + 3 * 3_600_000 + 300_000).toISOString()]);
    await kiln.jobs.start();
    const done = await Promise.all(jobs.map((j) => kiln.jobs.wait(j.id)));
    expect(done.map((j) => j.status)).toEqual(['succeeded', 'succeeded']);
    const runs = await kiln.monitors.recentRuns('every5', 10);
    expect(runs.map((r) => r.windowEnd).sort()).toEqual(jobs.map((j) => parseMonitorJobPayload(j.payload).at).sort());
    expect(runs.every((r) => r.status === 'empty')).toBe(true);
  }, 60_000);

  it('hands a due time back when the queue refuses the job, so the next tick submits it', async () => {
    const created = await kiln.monitors.create({ name: 'retry', endpoint: 'sched', schedule: '0 * * * *' });
    const due = Date.parse(created.lastScheduledAt ?? '') + 3_600_000;
    const warnings: string[] = [];
    const down = { submit: () => Promise.reject(new Error('queue unreachable')) } as unknown as typeof kiln.jobs;
    const failing = new MonitorScheduler(kiln.metadata, down, { now: () => due + 1000, warn: (m) => void warnings.push(m) });
    expect((await failing.tick()).submitted).toEqual([]);
    expect(warnings.join('\n')).toMatch(/could not schedule monitor default\/retry: queue unreachable/);
    expect((await kiln.monitors.get('retry')).lastScheduledAt).toBe(created.lastScheduledAt);
    const ok = new MonitorScheduler(kiln.metadata, kiln.jobs, { now: () => due + 1000 });
    expect((await ok.tick()).submitted).toContain(`default/retry@${new Date(due).toISOString()}`);
  });

  it('refuses malformed job payloads', () => {
    expect(() => parseMonitorJobPayload(null)).toThrow(/payload is an object/);
    expect(() => parseMonitorJobPayload({ monitor: 'm', at: 'yesterday' })).toThrow(/at must be an ISO-8601 time/);
    expect(() => parseMonitorJobPayload({ monitor: 'm', extra: 1 })).toThrow(/no field "extra"/);
  });
});
