/**
 * One HTTP call to a Kiln server with the global `fetch` (Node >= 18, browsers, edge runtimes): the bearer
 * token, the project header, JSON in and out, and every non-2xx answer turned into a `KilnApiError`.
 */
import { apiErrorFrom, KilnApiError, unreachableError } from './kiln-api-error.js';

/** The `fetch` a client uses (the global one unless given). */
export type FetchLike = (input: string, init: { method: string; headers: Record<string, string>; body?: string | Uint8Array | Blob }) => Promise<{ status: number; ok: boolean; headers: { get(name: string): string | null }; text(): Promise<string>; arrayBuffer(): Promise<ArrayBuffer> }>;

/** Where and as whom calls go. */
export interface TransportOptions {
  readonly baseUrl: string;
  readonly token?: string;
  readonly project?: string;
  readonly fetch?: FetchLike;
}

/** One request. */
export interface Call {
  readonly method: 'GET' | 'POST' | 'DELETE' | 'PUT' | 'PATCH';
  /** A path template such as `/v1/runs/{id}` (kept for the OpenAPI check) and its filled form. */
  readonly path: string;
  readonly query?: Record<string, string | number | undefined>;
  readonly json?: unknown;
  /** A raw body (an upload) and its content type. */
  readonly raw?: { readonly body: string | Uint8Array | Blob; readonly contentType: string };
}

/** Sends calls to one server. */
export class HttpTransport {
  private readonly baseUrl: string;
  private readonly fetchFn: FetchLike;

  constructor(private readonly options: TransportOptions) {
    if (!/^https?:\/\/[^\s/]+/i.test(options.baseUrl)) {
      throw new KilnApiError('usage', `baseUrl must be an http:// or https:// URL (got "${String(options.baseUrl).slice(0, 200)}")`, { field: 'baseUrl' }, 'Pass the server address, e.g. http://127.0.0.1:7070.', 0, null);
    }
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    const globalFetch = (globalThis as { fetch?: FetchLike }).fetch;
    const fetchFn = options.fetch ?? globalFetch;
    if (!fetchFn) throw new KilnApiError('usage', 'no fetch available: pass options.fetch', { field: 'fetch' }, undefined, 0, null);
    // Called unbound: browsers refuse `fetch` called on another object.
    this.fetchFn = options.fetch ? options.fetch : (input, init) => fetchFn.call(globalThis, input, init);
  }

  /** The answer's JSON body (undefined for an empty body). */
  async json<T>(call: Call): Promise<T> {
    const res = await this.send(call);
    const text = await res.text();
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  /** The answer's raw bytes. */
  async bytes(call: Call): Promise<Uint8Array> {
    const res = await this.send(call);
    return new Uint8Array(await res.arrayBuffer());
  }

  private async send(call: Call): Promise<Awaited<ReturnType<FetchLike>>> {
    const url = this.baseUrl + call.path + queryString(call.query);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    if (this.options.project) headers['x-kiln-project'] = this.options.project;
    let body: string | Uint8Array | Blob | undefined;
    if (call.raw) {
      headers['content-type'] = call.raw.contentType;
      body = call.raw.body;
    } else if (call.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(call.json);
    }
    let res;
    try {
      res = await this.fetchFn(url, { method: call.method, headers, ...(body !== undefined ? { body } : {}) });
    } catch (err) {
      throw unreachableError(this.baseUrl, err);
    }
    if (res.ok) return res;
    const text = await res.text().catch(() => '');
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Not JSON (a proxy's error page): keep the text for the message.
    }
    throw apiErrorFrom(res.status, parsed, res.headers.get('x-request-id'));
  }
}

/** `?a=1&b=x` of the defined entries (empty when none). */
function queryString(query: Call['query']): string {
  if (!query) return '';
  const parts = Object.entries(query)
    .filter((e): e is [string, string | number] => e[1] !== undefined)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  return parts.length ? `?${parts.join('&')}` : '';
}

/** Fills `{name}` placeholders of a path template with encoded values. */
export function fillPath(template: string, params: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (_m, name: string) => {
    const value = params[name];
    if (value === undefined || value === '') throw new KilnApiError('usage', `${name} is required`, { field: name }, undefined, 0, null);
    // URL parsers resolve "." and ".." segments even percent-encoded, which would call another route.
    if (value === '.' || value === '..') throw new KilnApiError('usage', `${name} cannot be "${value}"`, { field: name }, undefined, 0, null);
    return encodeURIComponent(String(value));
  });
}
