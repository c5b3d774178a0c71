/** Materialization and online reads: online == offline for the same instant, watermarks, pushes with per-record rejection. */
import { cp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputError, NotFoundError } from '../core/errors.js';
import type { FeatureTestKiln } from './feature-test-kiln.js';
import { openFeatureTestKiln, readRows } from './feature-test-kiln.js';
import { loadDefinitions } from './load-definitions.js';

const FIXTURE = join(import.meta.dirname, '../../test/fixtures/features/pit');

describe('online features', () => {
  let t: FeatureTestKiln;
  beforeEach(async () => {
    t = await openFeatureTestKiln();
    await cp(FIXTURE, join(t.dir, 'repo'), { recursive: true });
    await t.kiln.features.apply((await loadDefinitions(join(t.dir, 'repo'))).definitions);
  });
  afterEach(async () => {
    await t.dispose();
  });

  it('serves what the training set sees at the same instant', async () => {
    // Every distinct (customer, time) of the fixture: materialize up to that instant, read online as of it,
    // and compare with the offline point-in-time row.
    const train = join(t.dir, 'train.csv');
    await t.kiln.features.trainingSet({ entities: join(t.dir, 'repo/entities.csv'), service: 'churn_v1', out: train });
    // In time order: the online store keeps the newest record, so a later instant's state is a superset.
    const offline = (await readRows(train)).sort((a, b) => Date.parse(String(a.event_timestamp)) - Date.parse(String(b.event_timestamp)));
    for (const row of offline) {
      const instant = new Date(String(row.event_timestamp));
      await t.kiln.features.materialize({ start: new Date(0), end: instant });
      const online = await t.kiln.features.online({ service: 'churn_v1', entities: [{ customer_id: Number(row.customer_id) }], now: instant.getTime() });
      const got = online.results[0];
      const value = (col: string): string | null => (got[col].status === 'present' ? String(got[col].value) : null);
      expect([value('customer_stats__balance'), value('customer_stats__segment'), value('activity__clicks')], `${row.customer_id}@${instant.toISOString()}`).toEqual([
        row.customer_stats__balance === null ? null : String(Number(row.customer_stats__balance)),
        row.customer_stats__segment,
        row.activity__clicks,
      ]);
    }
  });

  it('materializes incrementally from the watermark and reports statuses', async () => {
    const first = await t.kiln.features.materialize({ start: null, end: new Date('2026-01-06T00:00:00Z') });
    expect(first.map((r) => [r.view, r.rows])).toEqual([['customer_stats', 1], ['activity', 1]]);
    const marks = await t.kiln.features.materializations();
    expect(marks.map((m) => [m.view, m.watermark])).toEqual([['activity', '2026-01-06T00:00:00.000Z'], ['customer_stats', '2026-01-06T00:00:00.000Z']]);
    const next = await t.kiln.features.materialize({ start: null, end: new Date('2026-01-31T00:00:00Z') });
    expect(next.map((r) => [r.view, r.start])).toEqual([['customer_stats', '2026-01-06T00:00:00.000Z'], ['activity', '2026-01-06T00:00:00.000Z']]);
    const read = await t.kiln.features.online({ features: ['customer_stats:balance', 'activity:clicks'], entities: [{ customer_id: 1 }, { customer_id: 3 }], now: Date.parse('2026-01-31T00:00:00Z') });
    expect(read.features).toEqual(['customer_stats__balance', 'activity__clicks']);
    // 1: the 01-11 row (99) is the latest within 30 d; its activity (01-09T13) is past 12 h. 3: nothing stored.
    expect(read.results[0].customer_stats__balance).toMatchObject({ status: 'present', value: 99 });
    expect(read.results[0].activity__clicks.status).toBe('outside_ttl');
    expect(read.results[1].customer_stats__balance.status).toBe('missing');
    await expect(t.kiln.features.online({ service: 'churn_v1', entities: [{ id: 1 }] })).rejects.toBeInstanceOf(InputError);
    await expect(t.kiln.features.online({ service: 'nope', entities: [] })).rejects.toBeInstanceOf(NotFoundError);
    await expect(t.kiln.features.materialize({ start: null, end: new Date(0), views: ['nope'] })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('stores valid pushed rows and rejects the rest with the reason; older pushes never win', async () => {
    const rows = [
      { customer_id: 5, event_ts: '2026-03-01T00:00:00Z', balance: 7.5, segment: 'x' },
      { customer_id: 5, event_ts: '2026-02-01T00:00:00Z', balance: 1, segment: 'older' },
      { customer_id: 6, event_ts: 'yesterday', balance: 1 },
      { customer_id: 7, event_ts: '2026-03-01T00:00:00Z', balance: 'rich' },
      { event_ts: '2026-03-01T00:00:00Z', balance: 1 },
      { customer_id: 8, event_ts: '2026-03-01T00:00:00Z', balance: 1, extra: true },
      'not an object',
    ];
    const res = await t.kiln.features.push('customer_stats', rows);
    expect(res).toMatchObject({ accepted: 2, written: 1, stale: 1 });
    expect(res.rejected.map((r) => r.index)).toEqual([2, 3, 4, 5, 6]);
    expect(res.rejected[1].reason).toMatch(/'balance' must be float64/);
    const read = await t.kiln.features.online({ service: 'churn_v1', entities: [{ customer_id: 5 }], now: Date.parse('2026-03-02T00:00:00Z') });
    expect(read.results[0].customer_stats__segment).toMatchObject({ status: 'present', value: 'x' });
    await expect(t.kiln.features.push('nope', [])).rejects.toBeInstanceOf(NotFoundError);
  });

  it('refuses a source that no longer matches at materialization', async () => {
    await writeFile(join(t.dir, 'repo/activity.csv'), 'customer_id,ts\n1,2026-01-01\n');
    await expect(t.kiln.features.materialize({ start: null, end: new Date('2026-02-01T00:00:00Z'), views: ['activity'] })).rejects.toThrow(/clicks/);
  });
});
