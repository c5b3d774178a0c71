/** Choosing the stream adapter from `--from`, and position ordering of both adapters (no server needed). */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../core/errors.js';
import { openStreamSource } from './open-stream-source.js';

describe('openStreamSource', () => {
  it('reads nats:SUBJECT and redis-stream:STREAM with servers from the environment', () => {
    expect(openStreamSource('nats:orders.created', {}).id).toBe('nats:orders.created');
    expect(openStreamSource('redis-stream:events', { KILN_REDIS_URL: 'redis://r:6379' }).id).toBe('redis-stream:events');
  });

  it('refuses unknown kinds, wildcards and blanks', () => {
    for (const spec of ['kafka:topic', 'orders', 'nats:', 'nats:a b', 'nats:orders.*', 'nats:a.>', 'redis-stream:', 'redis-stream:a b']) {
      expect(() => openStreamSource(spec, {}), spec).toThrow(UsageError);
    }
  });

  it('orders positions numerically, not as text', () => {
    const nats = openStreamSource('nats:o', {});
    expect(nats.compare('9', '10')).toBeLessThan(0);
    expect(nats.compare('10', '10')).toBe(0);
    const redis = openStreamSource('redis-stream:s', {});
    expect(redis.compare('1700000000000-9', '1700000000000-10')).toBeLessThan(0);
    expect(redis.compare('1700000000001-0', '1700000000000-99')).toBeGreaterThan(0);
    expect(redis.compare('5-5', '5-5')).toBe(0);
  });
});
