/** The request stats recorder: minute buckets, several processes summed on read, failed flushes counted, pruning. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REQUEST_STATS_BUCKET_MS } from '../store/endpoint-request-stats-repository.js';
import type { MetadataStoreHarness } from '../store/metadata-store.contract.js';
import { createSqliteHarness } from '../store/sqlite/sqlite-test-harness.js';
import { RequestStatsRecorder } from './request-stats-recorder.js';

const M = REQUEST_STATS_BUCKET_MS;
let harness: MetadataStoreHarness;

beforeEach(async () => {
  harness = await createSqliteHarness();
});
afterEach(async () => {
  await harness.dispose();
});

describe('RequestStatsRecorder', () => {
  it('counts per variant and minute; two processes and repeated flushes sum on read', async () => {
    let now = 100 * M + 10;
    const clock = (): number => now;
    const a = new RequestStatsRecorder({ metadata: harness.store, writer: 'a', now: clock });
    const b = new RequestStatsRecorder({ metadata: harness.store, writer: 'b', now: clock });
    for (let i = 0; i < 8; i++) a.count('default', 'churn', 'main', 'answered');
    a.count('default', 'churn', 'main', 'client_error');
    a.count('default', 'churn', 'main', 'server_error');
    a.count('default', 'churn', 'candidate', 'server_error');
    b.count('default', 'churn', 'main', 'answered');
    b.count('p2', 'churn', 'main', 'answered');
    await a.flush();
    // Same minute again after a flush, then the next minute before the next flush: two buckets in one flush.
    a.count('default', 'churn', 'main', 'answered');
    now = 101 * M + 5;
    // The minute moves when the recorder's minute timer ticks (here by hand), not on each request.
    a.count('default', 'churn', 'main', 'answered');
    a.tick();
    a.count('default', 'churn', 'main', 'server_error');
    await a.flush();
    await b.flush();
    expect(await harness.store.requestStats.window('churn', 100 * M, 102 * M)).toEqual([
      { endpoint: 'churn', variant: 'candidate', bucket: 100 * M, answered: 0, clientErrors: 0, serverErrors: 1, writers: 1 },
      { endpoint: 'churn', variant: 'main', bucket: 100 * M, answered: 11, clientErrors: 1, serverErrors: 1, writers: 2 },
      { endpoint: 'churn', variant: 'main', bucket: 101 * M, answered: 0, clientErrors: 0, serverErrors: 1, writers: 1 },
    ]);
    expect((await harness.store.inProject('p2').requestStats.window('churn', 0, 200 * M)).map((r) => r.answered)).toEqual([1]);
    // Nothing counted: a flush writes nothing.
    await a.flush();
    expect((await harness.store.requestStats.window('churn', 0, 200 * M)).length).toBe(3);
    expect(a.lost).toBe(0);
  });

  it('prunes buckets past the retention at most once an hour', async () => {
    let now = 1000 * M;
    const r = new RequestStatsRecorder({ metadata: harness.store, writer: 'a', now: () => now, retentionMs: 10 * M });
    await harness.store.requestStats.add([{ endpoint: 'churn', variant: 'main', writer: 'old', bucket: 985 * M, answered: 1, clientErrors: 0, serverErrors: 0 }, { endpoint: 'churn', variant: 'main', writer: 'old', bucket: 995 * M, answered: 1, clientErrors: 0, serverErrors: 0 }]);
    await r.flush();
    expect((await harness.store.requestStats.window('churn', 0, 2000 * M)).map((b) => b.bucket)).toEqual([995 * M]);
    now += 30 * M;
    await r.flush();
    expect((await harness.store.requestStats.window('churn', 0, 2000 * M)).map((b) => b.bucket)).toEqual([995 * M]);
    now += 31 * M;
    await r.flush();
    expect(await harness.store.requestStats.window('churn', 0, 2000 * M)).toEqual([]);
  });

  it('a failed flush loses its rows (counted), rethrows, and stop() only logs', async () => {
    const warned: string[] = [];
    const r = new RequestStatsRecorder({ metadata: harness.store, writer: 'a', log: { warn: (_o, m) => void warned.push(m) } });
    r.count('default', 'churn', 'main', 'answered');
    r.count('p2', 'churn', 'main', 'answered');
    await harness.store.close();
    await expect(r.flush()).rejects.toThrow();
    expect(r.lost).toBe(2);
    r.count('default', 'churn', 'main', 'answered');
    await r.stop();
    expect(warned).toEqual(['request stats flush failed']);
    expect(r.lost).toBe(3);
  });

  it('started, the minute follows the clock at each boundary and stop() flushes', async () => {
    const r = new RequestStatsRecorder({ metadata: harness.store, writer: 'a', flushMs: 60_000 });
    r.start();
    r.count('default', 'churn', 'main', 'answered');
    await r.stop();
    const now = Date.now();
    const rows = await harness.store.requestStats.window('churn', now - 2 * M, now + M);
    expect(rows.map((b) => [b.answered, b.bucket % M])).toEqual([[1, 0]]);
    expect(rows[0].bucket).toBeGreaterThan(now - 2 * M);
  });
});
