/**
 * The client's transport without a server: headers it sends (bearer token, project, JSON), error bodies in
 * Kiln's shape and in others (a proxy's HTML page, an empty body), unreachable servers, bad base URLs and
 * path parameters that must be encoded (hostile names never change the route).
 */
import { describe, expect, it } from 'vitest';
import type { FetchLike } from './http-transport.js';
import { createClient } from './kiln-client.js';
import { KilnApiError } from './kiln-api-error.js';

interface Sent {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: unknown;
}

function fakeFetch(status: number, body: string, sent: Sent[] = [], headers: Record<string, string> = {}): FetchLike {
  return async (url, init) => {
    sent.push({ url, method: init.method, headers: init.headers, body: init.body });
    return { status, ok: status >= 200 && status < 300, headers: { get: (n: string) => headers[n] ?? null }, text: async () => body, arrayBuffer: async () => new TextEncoder().encode(body).buffer };
  };
}

describe('kiln/client transport', () => {
  it('sends the token, the project and JSON, and encodes path and query parameters', async () => {
    const sent: Sent[] = [];
    const c = createClient({ baseUrl: 'http://kiln.test:7070///', token: 'kiln_abc', project: 'risk', fetch: fakeFetch(200, '{"logged":1,"runs":[],"next":null}', sent) });
    await c.tracking.logParams('run/../../x', { a: 1 });
    await c.tracking.searchRuns({ filter: 'params.a = "1 & 2"', limit: 5 });
    await c.datasets.show('../../etc/passwd', 1);
    expect(sent[0]).toMatchObject({ url: 'http://kiln.test:7070/v1/runs/run%2F..%2F..%2Fx/params', method: 'POST', body: '{"params":{"a":1}}' });
    expect(sent[0].headers).toMatchObject({ authorization: 'Bearer kiln_abc', 'x-kiln-project': 'risk', 'content-type': 'application/json' });
    expect(sent[1].url).toBe('http://kiln.test:7070/v1/runs?filter=params.a%20%3D%20%221%20%26%202%22&limit=5');
    expect(sent[2].url).toBe('http://kiln.test:7070/v1/datasets/..%2F..%2Fetc%2Fpasswd/versions/1');
    const anonymous: Sent[] = [];
    await createClient({ baseUrl: 'https://x', fetch: fakeFetch(200, '{}', anonymous) }).whoami();
    expect(anonymous[0].headers.authorization).toBeUndefined();
  });

  it('turns error answers into KilnApiError with the server code, details and request id', async () => {
    const body = JSON.stringify({ error: { code: 'forbidden', message: 'needs runs:write', hint: 'ask an admin', details: { permission: 'runs:write' } } });
    const err = await createClient({ baseUrl: 'http://x', fetch: fakeFetch(403, body, [], { 'x-request-id': 'req-1' }) })
      .tracking.startRun()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KilnApiError);
    expect(err).toMatchObject({ code: 'forbidden', status: 403, requestId: 'req-1', hint: 'ask an admin', details: { permission: 'runs:write' }, message: 'needs runs:write' });
    const proxy = await createClient({ baseUrl: 'http://x', fetch: fakeFetch(502, '<html>Bad Gateway</html>') })
      .health()
      .catch((e: unknown) => e);
    expect(proxy).toMatchObject({ code: 'internal', status: 502 });
    expect((proxy as Error).message).toMatch(/HTTP 502: <html>Bad Gateway/);
    const empty = await createClient({ baseUrl: 'http://x', fetch: fakeFetch(404, '') })
      .whoami()
      .catch((e: unknown) => e);
    expect(empty).toMatchObject({ code: 'not_found', status: 404 });
    const odd = await createClient({ baseUrl: 'http://x', fetch: fakeFetch(400, '{"error":{"code":"teapot","message":"m"}}') })
      .whoami()
      .catch((e: unknown) => e);
    expect(odd).toMatchObject({ code: 'usage', message: 'm' });
  });

  it('reports unreachable servers, bad base URLs and empty ids as usage errors', async () => {
    const failing: FetchLike = async () => {
      throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:9') });
    };
    const down = await createClient({ baseUrl: 'http://127.0.0.1:9', fetch: failing })
      .health()
      .catch((e: unknown) => e);
    expect(down).toMatchObject({ code: 'usage', status: 0, details: { url: 'http://127.0.0.1:9' } });
    expect((down as Error).message).toMatch(/ECONNREFUSED/);
    for (const bad of ['', 'localhost:7070', 'file:///etc/passwd', 'javascript:alert(1)', ' http://x']) expect(() => createClient({ baseUrl: bad }), bad).toThrow(KilnApiError);
    await expect(createClient({ baseUrl: 'http://x', fetch: fakeFetch(200, '{}') }).tracking.getRun('')).rejects.toThrow(/id is required/);
  });
});
