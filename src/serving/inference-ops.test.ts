/** Operations details: traffic split by weight, readiness while a model loads, JSON logs with request ids. */
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createInferenceApp } from './inference-app.js';
import type { InferenceServer } from './inference-app.js';
import type { ResolvedModel } from './model-source.js';
import { MemoryEndpoints, MemoryModelSource, testBundles, testEndpoint } from './serving-test-models.js';

const ROW = { x: 0.5, z: -1, color: 'red', flag: true };
let server: InferenceServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function post(s: InferenceServer, name: string, headers: Record<string, string> = {}) {
  return s.app.inject({ method: 'POST', url: `/v1/endpoints/${name}/predict`, headers: { 'content-type': 'application/json', ...headers }, payload: JSON.stringify({ instances: [ROW] }) });
}

describe('inference operations', () => {
  it('splits traffic between variants by weight (seeded) and names the variant and version served', async () => {
    const b = await testBundles();
    const endpoint = testEndpoint('ab', 'a@1', { variants: [{ name: 'blue', model: 'a@1', weight: 3 }, { name: 'green', model: 'b@1', weight: 1 }] });
    server = await createInferenceApp({ endpoints: new MemoryEndpoints([endpoint]), models: new MemoryModelSource(new Map([['a@1', b.binary], ['b@1', b.binaryB]])), logger: false, changePollMs: 0, aliasRefreshMs: 0 });
    const counts = new Map<string, number>();
    for (let i = 0; i < 400; i++) {
      const body = (await post(server, 'ab')).json<{ variant: string; modelVersion: string }>();
      expect(body.modelVersion).toBe(body.variant === 'blue' ? 'a@1' : 'b@1');
      counts.set(body.variant, (counts.get(body.variant) ?? 0) + 1);
    }
    expect(counts.get('blue')).toBeGreaterThan(260);
    expect(counts.get('blue')).toBeLessThan(340);
    expect((counts.get('blue') ?? 0) + (counts.get('green') ?? 0)).toBe(400);
    const metrics = (await server.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/kiln_serving_requests_total\{endpoint="ab",variant="green",protocol="native",status="200"\} \d+/);
  });

  it('readiness is false while a model loads (lazy load on first request), true after', async () => {
    const b = await testBundles();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const models = {
      async resolve(): Promise<ResolvedModel> {
        return { key: 'slow@1', moving: false, load: async () => (await gate, b.binary) };
      },
    };
    server = await createInferenceApp({ endpoints: new MemoryEndpoints([testEndpoint('slow', 'slow@1')]), models, logger: false, changePollMs: 0, aliasRefreshMs: 0, preload: false });
    expect((await server.app.inject({ method: 'GET', url: '/v2/health/ready' })).statusCode).toBe(200);
    const pending = post(server, 'slow');
    await new Promise((r) => setTimeout(r, 30));
    const during = await server.app.inject({ method: 'GET', url: '/v2/health/ready' });
    expect(during.statusCode).toBe(503);
    expect(during.json()).toEqual({ ready: false });
    release();
    expect((await pending).statusCode).toBe(200);
    expect((await server.app.inject({ method: 'GET', url: '/v2/health/ready' })).statusCode).toBe(200);
  });

  it('logs JSON lines with the request id, echoed in x-request-id (a caller-given id is kept)', async () => {
    const b = await testBundles();
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(...chunk.toString().split('\n').filter(Boolean));
        done();
      },
    });
    server = await createInferenceApp({ endpoints: new MemoryEndpoints([testEndpoint('a', 'a@1')]), models: new MemoryModelSource(new Map([['a@1', b.binary]])), logger: { level: 'info', stream }, changePollMs: 0, aliasRefreshMs: 0 });
    const res = await post(server, 'a', { 'x-request-id': 'req-123' });
    expect(res.headers['x-request-id']).toBe('req-123');
    const generated = await post(server, 'a', { 'x-request-id': 'bad id with spaces' });
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const parsed = lines.map((l) => JSON.parse(l) as { reqId?: string; msg: string; model?: string; loadMs?: number });
    expect(parsed.some((l) => l.reqId === 'req-123' && l.msg === 'request completed')).toBe(true);
    expect(parsed.some((l) => l.msg === 'model loaded' && l.model === 'a@1' && typeof l.loadMs === 'number')).toBe(true);
  });
});
