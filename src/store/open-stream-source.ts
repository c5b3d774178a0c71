/**
 * Picks the stream adapter from a `--from` spec: `nats:SUBJECT` (server from `KILN_NATS_URL`, default
 * nats://127.0.0.1:4222) or `redis-stream:STREAM` (server from `KILN_REDIS_URL`, default
 * redis://127.0.0.1:6379). Nothing connects until the source is opened.
 */
import { UsageError } from '../core/errors.js';
import { NatsStreamSource } from './nats/nats-stream-source.js';
import { RedisStreamSource } from './redis/redis-stream-source.js';
import type { StreamSource } from './stream-source.js';

const NATS_SUBJECT = /^[^\s*>]+(\.[^\s*>]+)*$/;

/** A stream source for `spec`, with servers from `env`. */
export function openStreamSource(spec: string, env: NodeJS.ProcessEnv = process.env): StreamSource {
  const colon = spec.indexOf(':');
  const kind = colon < 0 ? '' : spec.slice(0, colon);
  const name = colon < 0 ? '' : spec.slice(colon + 1);
  if (kind === 'nats') {
    if (!NATS_SUBJECT.test(name)) throw new UsageError(`'${name}' is not a NATS subject (no spaces or wildcards)`, { field: 'from' }, 'write --from nats:orders.created');
    return new NatsStreamSource(env.KILN_NATS_URL || 'nats://127.0.0.1:4222', name);
  }
  if (kind === 'redis-stream') {
    if (name === '' || /\s/.test(name)) throw new UsageError(`'${name}' is not a Redis stream key`, { field: 'from' }, 'write --from redis-stream:events');
    return new RedisStreamSource(env.KILN_REDIS_URL || 'redis://127.0.0.1:6379', name);
  }
  throw new UsageError(`unknown stream source '${spec}'`, { field: 'from' }, 'use nats:SUBJECT (JetStream) or redis-stream:STREAM');
}
