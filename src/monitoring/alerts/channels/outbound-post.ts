/**
 * One HTTP POST to a URL that passed `checkOutboundUrl`, connecting only to the addresses the check
 * resolved (the request's `lookup` returns them), so a host name cannot re-resolve to a private address
 * between the check and the connection (DNS rebinding). Bounded by a timeout that covers connect,
 * headers and body; redirects are not followed (a redirect could lead anywhere). The response body is
 * read up to 4 KiB for the delivery record and discarded.
 */
import { request as httpRequest } from 'node:http';
import type { LookupFunction } from 'node:net';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import type { CheckedOutboundUrl } from '../../../security/outbound-url.js';

/** What came back. */
export interface PostResult {
  readonly status: number;
  /** Start of the response body (for the delivery record). */
  readonly body: string;
}

const MAX_BODY = 4096;

/** A lookup that answers only with the checked addresses. */
function pinnedLookup(addresses: readonly string[]): LookupFunction {
  return ((_host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    const list = addresses.map((a) => ({ address: a, family: isIP(a) }));
    if (options?.all) callback(null, list);
    else callback(null, list[0]?.address, list[0]?.family);
  }) as unknown as LookupFunction;
}

/** POST `body` to the checked URL; rejects on network errors and after `timeoutMs`. */
export function postToCheckedUrl(target: CheckedOutboundUrl, body: string, headers: Record<string, string>, timeoutMs: number): Promise<PostResult> {
  return new Promise<PostResult>((resolve, reject) => {
    const url = target.url;
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(url, { method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, lookup: pinnedLookup(target.addresses), timeout: timeoutMs }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (text.length < MAX_BODY) text += chunk.slice(0, MAX_BODY - text.length);
      });
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, body: text });
      });
      res.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
    // `timeout` above only covers socket inactivity; this bounds the whole exchange.
    const timer = setTimeout(() => req.destroy(new Error(`no complete answer within ${timeoutMs} ms`)), timeoutMs);
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.end(body);
  });
}
