/**
 * Delivery of an async-inference result to the caller's `callbackUrl`: the URL is checked against the
 * outbound-URL policy (no SSRF into private ranges unless configured) and the request connects to the
 * address the check resolved (so the name cannot re-resolve elsewhere in between). Attempts are bounded
 * (default 3, backoff 0.5 s, 1 s, ...), each with a timeout; a 2xx is delivered, a 4xx other than 408/429
 * is final (retrying would not help), anything else is retried. Redirects are not followed. The outcome is
 * returned, never thrown: the job records it.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { isIP } from 'node:net';
import type { OutboundUrlPolicy } from '../../security/outbound-url.js';
import { checkOutboundUrl } from '../../security/outbound-url.js';

/** What happened to a callback. */
export interface CallbackOutcome {
  readonly url: string;
  readonly delivered: boolean;
  readonly attempts: number;
  /** HTTP status of the last attempt, when one answered. */
  readonly status?: number;
  /** Why the last attempt failed. */
  readonly error?: string;
  readonly at: string;
}

/** Options of a delivery. */
export interface CallbackOptions {
  readonly policy: OutboundUrlPolicy;
  /** Attempts in all (default 3, at most 10). */
  readonly maxAttempts?: number;
  /** Per-attempt timeout (default 10 s). */
  readonly timeoutMs?: number;
  /** First backoff (default 500 ms; doubles). */
  readonly backoffMs?: number;
  readonly signal?: AbortSignal;
}

/** POST `body` (JSON) to `url`; the outcome of at most `maxAttempts` attempts. */
export async function deliverCallback(url: string, body: unknown, opts: CallbackOptions): Promise<CallbackOutcome> {
  const maxAttempts = Math.min(10, Math.max(1, opts.maxAttempts ?? 3));
  let checked;
  try {
    checked = await checkOutboundUrl(url, opts.policy, 'callbackUrl');
  } catch (err) {
    return { url, delivered: false, attempts: 0, error: (err as Error).message, at: new Date().toISOString() };
  }
  const payload = Buffer.from(JSON.stringify(body));
  let last: { status?: number; error?: string } = {};
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    if (opts.signal?.aborted) return { url, delivered: false, attempts: attempt - 1, ...last, error: 'cancelled', at: new Date().toISOString() };
    last = await postOnce(checked.url, checked.addresses[0] ?? checked.url.hostname, payload, opts.timeoutMs ?? 10_000);
    if (last.status !== undefined && last.status >= 200 && last.status < 300) return { url, delivered: true, attempts: attempt, status: last.status, at: new Date().toISOString() };
    const final = last.status !== undefined && last.status >= 400 && last.status < 500 && last.status !== 408 && last.status !== 429;
    if (final || attempt === maxAttempts) return { url, delivered: false, attempts: attempt, ...last, at: new Date().toISOString() };
    await new Promise((r) => setTimeout(r, (opts.backoffMs ?? 500) * 2 ** (attempt - 1)));
  }
  return { url, delivered: false, attempts: maxAttempts, ...last, at: new Date().toISOString() };
}

/** One POST pinned to `address`; the status or the error. */
function postOnce(url: URL, address: string, payload: Buffer, timeoutMs: number): Promise<{ status?: number; error?: string }> {
  const family = isIP(address) === 6 ? 6 : 4;
  const lookup: LookupFunction = (_host, options, cb) => {
    if ((options as { all?: boolean }).all) (cb as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address, family }]);
    else cb(null, address, family);
  };
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const req = send(url, { method: 'POST', lookup, timeout: timeoutMs, headers: { 'content-type': 'application/json', 'content-length': payload.length, 'user-agent': 'kiln-async-inference' } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ...(res.statusCode !== undefined && res.statusCode >= 300 ? { error: `HTTP ${res.statusCode}` } : {}) }));
      res.on('error', (err) => resolve({ status: res.statusCode ?? 0, error: err.message }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (err) => resolve({ error: err.message }));
    req.end(payload);
  });
}
