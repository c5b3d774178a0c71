/**
 * The inference runtime under change: alias hot-swap under concurrent load on a real listening server
 * (zero failed requests), endpoint changes picked up by polling, the LRU memory budget with lazy reloads,
 * adaptive batching, graceful drain and load shedding.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createInferenceApp } from './inference-app.js';
import type { InferenceServer } from './inference-app.js';
import { MemoryEndpoints, MemoryModelSource, TEST_SETTINGS, testBundles, testEndpoint } from './serving-test-models.js';

const ROW = { x: 0.5, z: -1, color: 'red', flag: true };
let server: InferenceServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function post(s: InferenceServer, name: string, instances: unknown[] = [ROW]) {
  return s.app.inject({ method: 'POST', url: `/v1/endpoints/${name}/predict`, headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ instances }) });
}

describe('inference runtime', () => {
  it('hot-swaps when an alias moves, under concurrent load on a real server, with zero failed requests', async () => {
    const b = await testBundles();
    const models = new MemoryModelSource(new Map([['churn@1', b.binary], ['churn@2', b.binaryB]]));
    models.alias('churn@production', 'churn@1');
    server = await createInferenceApp({ endpoints: new MemoryEndpoints([testEndpoint('churn', 'churn@production')]), models, logger: false, changePollMs: 0, aliasRefreshMs: 50 });
    const url = await server.app.listen({ port: 0, host: '127.0.0.1' });
    const statuses = new Map<number, number>();
    const versions = new Map<string, number>();
    let stop = false;
    const worker = async (): Promise<void> => {
      while (!stop) {
        const res = await fetch(`${url}/v1/endpoints/churn/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ instances: [ROW, ROW] }) });
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        const body = (await res.json()) as { modelVersion?: string };
        if (body.modelVersion) versions.set(body.modelVersion, (versions.get(body.modelVersion) ?? 0) + 1);
      }
    };
    const workers = Array.from({ length: 8 }, worker);
    await new Promise((r) => setTimeout(r, 300));
    models.alias('churn@production', 'churn@2');
    await new Promise((r) => setTimeout(r, 500));
    models.alias('churn@production', 'churn@1');
    await new Promise((r) => setTimeout(r, 500));
    stop = true;
    await Promise.all(workers);
    expect([...statuses.keys()]).toEqual([200]);
    expect(statuses.get(200)).toBeGreaterThan(50);
    expect(versions.get('churn@1')).toBeGreaterThan(0);
    expect(versions.get('churn@2')).toBeGreaterThan(0);
    // After moving back, only the current version stays in memory once its requests ended.
    expect(server.runtime.cache.snapshot().map((m) => m.key)).toEqual(['churn@1']);
  });

  it('sees endpoint changes by polling the change counter: create, re-point, delete', async () => {
    const b = await testBundles();
    const endpoints = new MemoryEndpoints([]);
    server = await createInferenceApp({ endpoints, models: new MemoryModelSource(new Map([['a@1', b.binary], ['p@1', b.regression]])), logger: false, changePollMs: 20, aliasRefreshMs: 0 });
    expect((await post(server, 'ep')).statusCode).toBe(404);
    endpoints.set([testEndpoint('ep', 'a@1')]);
    await new Promise((r) => setTimeout(r, 150));
    expect((await post(server, 'ep')).json<{ modelVersion: string }>().modelVersion).toBe('a@1');
    endpoints.set([testEndpoint('ep', 'p@1', { revision: 2 })]);
    await new Promise((r) => setTimeout(r, 150));
    expect((await post(server, 'ep')).json<{ modelVersion: string }>().modelVersion).toBe('p@1');
    expect(server.runtime.cache.snapshot().map((m) => m.key)).toEqual(['p@1']);
    endpoints.set([]);
    await new Promise((r) => setTimeout(r, 150));
    expect((await post(server, 'ep')).statusCode).toBe(404);
  });

  it('keeps models under the memory budget (LRU), reloading an evicted one on demand; reports load time and memory', async () => {
    const b = await testBundles();
    const models = new MemoryModelSource(new Map([['a@1', b.binary], ['b@1', b.binaryB], ['c@1', b.regression]]));
    const budget = Math.max(b.binary.length, b.binaryB.length, b.regression.length) * 2 * 2 + 10;
    server = await createInferenceApp({ endpoints: new MemoryEndpoints([testEndpoint('a', 'a@1'), testEndpoint('b', 'b@1'), testEndpoint('c', 'c@1')]), models, logger: false, changePollMs: 0, aliasRefreshMs: 0, preload: false, memoryBudgetBytes: budget });
    expect(server.runtime.cache.snapshot()).toEqual([]);
    for (const name of ['a', 'b', 'c']) expect((await post(server, name)).statusCode).toBe(200);
    const snap = server.runtime.cache.snapshot();
    expect(snap.map((m) => m.key)).toEqual(['b@1', 'c@1']);
    for (const m of snap) {
      expect(m.loadMs).toBeGreaterThan(0);
      expect(m.memoryBytes).toBeGreaterThan(1000);
    }
    expect(server.runtime.cache.memoryBytes).toBeLessThanOrEqual(budget);
    expect((await post(server, 'a')).statusCode).toBe(200);
    expect(models.loads).toEqual(['a@1', 'b@1', 'c@1', 'a@1']);
    expect(server.runtime.cache.snapshot().map((m) => m.key)).toEqual(['c@1', 'a@1']);
  });

  it('adaptive batching groups concurrent requests into one scoring call with the same answers', async () => {
    const b = await testBundles();
    const models = new MemoryModelSource(new Map([['a@1', b.binary]]));
    const batching = { maxBatchSize: 64, maxWaitMs: 20 };
    server = await createInferenceApp({ endpoints: new MemoryEndpoints([testEndpoint('plain', 'a@1'), testEndpoint('batched', 'a@1', { settings: { ...TEST_SETTINGS, batching } })]), models, logger: false, changePollMs: 0, aliasRefreshMs: 0 });
    const rows = Array.from({ length: 10 }, (_, i) => ({ ...ROW, x: i / 3 - 1, color: ['red', 'green', 'blue'][i % 3] }));
    const s = server;
    const plain = await Promise.all(rows.map((r) => post(s, 'plain', [r, r])));
    const batched = await Promise.all(rows.map((r) => post(s, 'batched', [r, r])));
    expect(batched.map((r) => r.json<{ probabilities: unknown }>().probabilities)).toEqual(plain.map((r) => r.json<{ probabilities: unknown }>().probabilities));
    const metrics = (await s.app.inject({ method: 'GET', url: '/metrics' })).body;
    const count = Number(/kiln_serving_batch_size_count\{endpoint="batched",variant="main"\} (\d+)/.exec(metrics)?.[1]);
    const sum = Number(/kiln_serving_batch_size_sum\{endpoint="batched",variant="main"\} (\d+)/.exec(metrics)?.[1]);
    expect(sum).toBe(20);
    expect(count).toBeLessThan(10);
    expect(Number(/kiln_serving_batch_size_count\{endpoint="plain",variant="main"\} (\d+)/.exec(metrics)?.[1])).toBe(10);
  });

  it('drains gracefully: readiness false, in-flight requests answered, new connections refused', async () => {
    const b = await testBundles();
    server = await createInferenceApp({ endpoints: new MemoryEndpoints([testEndpoint('slow', 'a@1', { settings: { ...TEST_SETTINGS, batching: { maxBatchSize: 1000, maxWaitMs: 300 } } })]), models: new MemoryModelSource(new Map([['a@1', b.binary]])), logger: false, changePollMs: 0, aliasRefreshMs: 0 });
    const url = await server.app.listen({ port: 0, host: '127.0.0.1' });
    // The batcher holds this request ~300 ms: it is in flight when the drain starts.
    const inFlight = fetch(`${url}/v1/endpoints/slow/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ instances: [ROW] }) });
    await new Promise((r) => setTimeout(r, 50));
    const closing = server.close();
    expect(server.runtime.ready).toBe(false);
    const res = await inFlight;
    expect(res.status).toBe(200);
    await closing;
    await expect(fetch(`${url}/v2/health/live`)).rejects.toThrow();
  });

  it('sheds load with 503 + Retry-After when the event loop lags, probes still answer', async () => {
    const b = await testBundles();
    server = await createInferenceApp({ endpoints: new MemoryEndpoints([testEndpoint('a', 'a@1')]), models: new MemoryModelSource(new Map([['a@1', b.binary]])), logger: false, changePollMs: 0, aliasRefreshMs: 0, shedding: { maxEventLoopDelayMs: 30, retryAfterSeconds: 2, sampleIntervalMs: 10 } });
    const s = server;
    let shed: Awaited<ReturnType<typeof post>> | undefined;
    for (let attempt = 0; attempt < 20 && !shed; attempt++) {
      const until = Date.now() + 150;
      while (Date.now() < until) {
        // Block the event loop so the sampled delay passes the threshold.
      }
      await new Promise((r) => setTimeout(r, 12));
      const res = await post(s, 'a');
      if (res.statusCode === 503) {
        shed = res;
        // Same pressure: the liveness probe still answers.
        expect((await s.app.inject({ method: 'GET', url: '/v2/health/live' })).statusCode).toBe(200);
      }
    }
    expect(shed?.statusCode).toBe(503);
    expect(shed?.headers['retry-after']).toBe('2');
    expect(shed?.json<{ error: { details: { reason: string } } }>().error.details.reason).toBe('overloaded');
    expect((await s.app.inject({ method: 'GET', url: '/metrics' })).body).toMatch(/kiln_serving_shed_total [1-9]/);
  });
});
