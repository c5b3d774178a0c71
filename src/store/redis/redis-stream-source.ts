/**
 * Redis Streams adapter of the `StreamSource` port: a consumer group with one fixed consumer. The
 * position is the entry id (`<ms>-<seq>`). On open it first re-reads its own pending entries (delivered
 * before a crash, never acknowledged), then new ones. A message is the entry's `data` field, or its only
 * field when it has exactly one.
 */
import { Redis } from 'ioredis';
import { UsageError } from '../../core/errors.js';
import type { StreamMessage, StreamOpenOptions, StreamSource } from '../stream-source.js';

const CONSUMER = 'kiln-ingest';
const ACK_CHUNK = 1000;

type Entry = [id: string, fields: string[] | null];

/** Consumes the stream `key` from the Redis server at `url` (e.g. `redis://127.0.0.1:6379`). */
export class RedisStreamSource implements StreamSource {
  readonly id: string;
  private redis: Redis | null = null;
  private group = '';
  /** Reading our pending entries from this id; null once they are exhausted (then new entries, `>`). */
  private pendingCursor: string | null = '0';

  constructor(
    private readonly url: string,
    private readonly key: string,
  ) {
    this.id = `redis-stream:${key}`;
  }

  compare(a: string, b: string): number {
    const [am, as] = splitId(a);
    const [bm, bs] = splitId(b);
    if (am !== bm) return am < bm ? -1 : 1;
    return as < bs ? -1 : as > bs ? 1 : 0;
  }

  async open(options: StreamOpenOptions): Promise<void> {
    this.redis = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 2 });
    try {
      await this.redis.connect();
    } catch (err) {
      this.redis.disconnect();
      throw new UsageError(`cannot connect to Redis at ${this.url}: ${(err as Error).message}`, { field: 'KILN_REDIS_URL' }, 'check KILN_REDIS_URL and that the server is running');
    }
    this.group = options.consumer;
    try {
      // A new group starts after the committed position (or at the beginning); an existing one keeps its place.
      await this.redis.xgroup('CREATE', this.key, this.group, options.after ?? '0', 'MKSTREAM');
    } catch (err) {
      if (!/BUSYGROUP/.test((err as Error).message)) throw err;
    }
    this.pendingCursor = '0';
  }

  async fetch(max: number, waitMs: number): Promise<StreamMessage[]> {
    const redis = this.redis;
    if (!redis) throw new Error('fetch() before open()');
    if (this.pendingCursor !== null) {
      const entries = readEntries(await redis.xreadgroup('GROUP', this.group, CONSUMER, 'COUNT', max, 'STREAMS', this.key, this.pendingCursor));
      if (entries.length > 0) {
        this.pendingCursor = entries[entries.length - 1][0];
        return entries.map(toMessage);
      }
      this.pendingCursor = null;
    }
    const entries = readEntries(await redis.xreadgroup('GROUP', this.group, CONSUMER, 'COUNT', max, 'BLOCK', Math.max(1, Math.round(waitMs)), 'STREAMS', this.key, '>'));
    return entries.map(toMessage);
  }

  async ack(messages: readonly StreamMessage[]): Promise<void> {
    const redis = this.redis;
    if (!redis) throw new Error('ack() before open()');
    for (let i = 0; i < messages.length; i += ACK_CHUNK) {
      await redis.xack(this.key, this.group, ...messages.slice(i, i + ACK_CHUNK).map((m) => m.position));
    }
  }

  async close(): Promise<void> {
    await this.redis?.quit().catch(() => undefined);
    this.redis = null;
  }
}

function splitId(id: string): [bigint, bigint] {
  const dash = id.indexOf('-');
  return dash < 0 ? [BigInt(id), 0n] : [BigInt(id.slice(0, dash)), BigInt(id.slice(dash + 1))];
}

function readEntries(reply: unknown): Entry[] {
  if (!Array.isArray(reply) || reply.length === 0) return [];
  const [, entries] = reply[0] as [string, Entry[]];
  return entries ?? [];
}

function toMessage([id, fields]: Entry): StreamMessage {
  if (fields === null) return { position: id, data: null };
  let value: string | undefined;
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === 'data') value = fields[i + 1];
  if (value === undefined && fields.length === 2) value = fields[1];
  return { position: id, data: value === undefined ? null : Buffer.from(value, 'utf8') };
}
