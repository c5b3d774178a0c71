/**
 * The online store on Redis: a hash per (project, view, entity key) with fields `t` (event time, ms)
 * and `v` (values as JSON). The "never older over newer" rule runs inside Redis as a Lua script, so it
 * is atomic against concurrent writers; batches are pipelined.
 */
import { Redis } from 'ioredis';
import { UsageError } from '../../core/errors.js';
import type { OnlineReadRequest, OnlineReadValue, OnlineRecord, OnlineStore, OnlineValue, OnlineViewStats, OnlineWriteResult } from '../online-store.js';
import { checkOnlineRecord, readValues } from '../online-store.js';

// One script call writes a slice of records (KEYS[i] with ARGV[2i-1] = event time, ARGV[2i] = values):
// a call per record cost ~35 µs a row in materialization, most of it per-command overhead in the client
// and the server. Records are applied in order, so a key twice in a slice ends as a pipeline would leave it.
const WRITE_IF_NEWER = `
local written = 0
for i = 1, #KEYS do
  local t = ARGV[2 * i - 1]
  local cur = redis.call('HGET', KEYS[i], 't')
  if not cur or tonumber(cur) <= tonumber(t) then
    redis.call('HSET', KEYS[i], 't', t, 'v', ARGV[2 * i])
    written = written + 1
  end
end
return written`;

/** Records per script call: large enough to amortize the call, small enough not to block the server for long. */
const SLICE = 256;

/** Key of one entity's record; the parts are length-prefixed so no choice of names can collide. */
function recordKey(prefix: string, project: string, view: string, entityKey: string): string {
  return `${prefix}${project.length}:${project}|${view.length}:${view}|${entityKey}`;
}

/** Connect to Redis at `url` (errors name `variable`, the setting that holds the URL). */
export async function openRedisOnlineStore(url: string, options: { prefix?: string; variable?: string } = {}): Promise<OnlineStore> {
  const prefix = options.prefix ?? 'kiln:online:';
  const variable = options.variable ?? 'KILN_ONLINE_STORE_URL';
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2, connectTimeout: 3000 });
  // Connection errors surface as rejected commands (and the UsageError below); without a listener ioredis logs them too.
  redis.on('error', () => undefined);
  try {
    await redis.connect();
  } catch (err) {
    redis.disconnect();
    throw new UsageError(`cannot connect to Redis at ${url.replace(/\/\/[^@/]*@/, '//***@')}: ${(err as Error).message}`, { field: variable }, `check ${variable} and that the server is running`);
  }
  redis.defineCommand('kilnWriteIfNewer', { lua: WRITE_IF_NEWER });
  return {
    async write(project: string, records: readonly OnlineRecord[]): Promise<OnlineWriteResult> {
      records.forEach((r, i) => {
        const problem = checkOnlineRecord(r, i);
        if (problem) throw new UsageError(problem, { row: i });
      });
      if (records.length === 0) return { written: 0, stale: 0 };
      const pipe = redis.pipeline() as unknown as { kilnWriteIfNewer(...args: Array<string | number>): void; exec(): Promise<Array<[Error | null, unknown]> | null> };
      for (let from = 0; from < records.length; from += SLICE) {
        const slice = records.slice(from, from + SLICE);
        const args: Array<string | number> = [slice.length];
        for (const r of slice) args.push(recordKey(prefix, project, r.view, r.entityKey));
        for (const r of slice) args.push(String(Math.trunc(r.eventTime)), JSON.stringify(r.values));
        pipe.kilnWriteIfNewer(...args);
      }
      const results = (await pipe.exec()) ?? [];
      let written = 0;
      for (const [err, res] of results) {
        if (err) throw err;
        written += Number(res);
      }
      return { written, stale: records.length - written };
    },
    async read(project: string, req: OnlineReadRequest): Promise<Array<Record<string, OnlineReadValue>>> {
      const now = req.now ?? Date.now();
      if (req.entityKeys.length === 0) return [];
      const pipe = redis.pipeline();
      for (const key of req.entityKeys) pipe.hmget(recordKey(prefix, project, req.view, key), 't', 'v');
      const results = (await pipe.exec()) ?? [];
      return results.map(([err, res]) => {
        if (err) throw err;
        const [t, v] = res as [string | null, string | null];
        const stored = t !== null && v !== null ? { eventTime: Number(t), values: JSON.parse(v) as Record<string, OnlineValue> } : null;
        return readValues(stored, req.features, req.ttlMs, now);
      });
    },
    async viewStats(project: string, view: string): Promise<OnlineViewStats> {
      // A SCAN over the view's keys (glob characters of the names escaped): O(keys), for occasional stats only.
      const match = `${recordKey(prefix, project, view, '').replace(/[*?[\]\\]/g, (c) => `\\${c}`)}*`;
      let cursor = '0';
      let entities = 0;
      let latest: number | null = null;
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', match, 'COUNT', 1000);
        cursor = next;
        if (keys.length === 0) continue;
        const pipe = redis.pipeline();
        for (const key of keys) pipe.hget(key, 't');
        for (const [err, t] of (await pipe.exec()) ?? []) {
          if (err) throw err;
          if (t === null) continue;
          entities++;
          latest = latest === null ? Number(t) : Math.max(latest, Number(t));
        }
      } while (cursor !== '0');
      return { entities, latestEventTime: latest };
    },
    async close(): Promise<void> {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
