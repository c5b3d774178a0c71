/**
 * Webhook signing: `X-Kiln-Signature: sha256=HEX` where HEX is HMAC-SHA256 with the channel's secret over
 * `TIMESTAMP.BODY`, and `X-Kiln-Timestamp: TIMESTAMP` (Unix seconds). Receivers recompute the HMAC over
 * the raw body, compare in constant time, and reject old timestamps (replays). Every attempt of a delivery
 * carries the same `X-Kiln-Delivery` id, so a receiver can drop a retry it already processed.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** The signature header's value for `body` sent at `timestamp` (Unix seconds). */
export function signWebhookBody(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * What a receiver does: true when `signature` matches and `timestamp` is within `toleranceSeconds` of
 * `nowSeconds`. Exported for tests and as the reference for docs/monitoring.md.
 */
export function verifyWebhookSignature(secret: string, timestamp: string | undefined, body: string, signature: string | undefined, nowSeconds = Math.floor(Date.now() / 1000), toleranceSeconds = 300): boolean {
  if (timestamp === undefined || signature === undefined || !/^[0-9]{1,12}$/.test(timestamp)) return false;
  if (Math.abs(nowSeconds - Number(timestamp)) > toleranceSeconds) return false;
  const expected = Buffer.from(signWebhookBody(secret, Number(timestamp), body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
