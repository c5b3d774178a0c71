/**
 * Streaming ingestion into the online store: consume a `StreamSource` (NATS JetStream, Redis Streams; the
 * same port `kiln ingest` uses) whose messages are JSON rows of one feature view, validate each row like
 * a push, write the valid ones online and acknowledge the batch only after the write. Delivery is at
 * least once (a crash before the ack redelivers), and that is safe without an offset of our own: online
 * writes are idempotent and keep event-time order (an older record never replaces a newer one, the same
 * event time replaces with the same values), so a replay cannot move a value back. The last written
 * position is committed in the metadata store (per view and stream) and the consumer restarts after it;
 * redelivered messages at or before it are skipped. Bad messages are reported with their
 * stream position and reason, acknowledged, and never block the stream.
 */
import type { IngestOffsetRepository } from '../store/ingest-offset-repository.js';
import type { OnlineStore } from '../store/online-store.js';
import type { StreamMessage, StreamSource } from '../store/stream-source.js';
import type { RegisteredFeatureView } from './definitions.js';
import type { KeyValueType } from './join-key-types.js';
import { validatePush } from './online-serving.js';

/** Options of `ingestFeatureStream`. */
export interface FeatureStreamOptions {
  readonly project: string;
  readonly view: RegisteredFeatureView;
  readonly keys: readonly string[];
  /** Declared value types of the join keys (`keyValueTypes`). */
  readonly keyTypes?: ReadonlyMap<string, KeyValueType>;
  readonly source: StreamSource;
  readonly store: OnlineStore;
  /** Where the consumer's position is committed after each written batch (`metadata.ingestOffsets`). */
  readonly offsets: IngestOffsetRepository;
  /** Durable consumer name (stable across restarts). */
  readonly consumer: string;
  /** Stop after this long without messages, in ms; undefined: run until `signal` aborts. */
  readonly untilIdleMs?: number;
  /** Messages per fetch (default 1,000). */
  readonly batch?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (report: FeatureStreamReport) => void;
}

/** Counts of one run; `rejected` lists the first 100 bad messages. */
export interface FeatureStreamReport {
  readonly consumed: number;
  readonly written: number;
  readonly stale: number;
  readonly rejectedCount: number;
  readonly rejected: Array<{ readonly position: string; readonly reason: string }>;
}

const MAX_MESSAGE_BYTES = 1 << 20;

/** Consume `source` into the online store until idle (or aborted); see the module comment. */
export async function ingestFeatureStream(opts: FeatureStreamOptions): Promise<FeatureStreamReport> {
  const batch = opts.batch ?? 1000;
  const report = { consumed: 0, written: 0, stale: 0, rejectedCount: 0, rejected: [] as Array<{ position: string; reason: string }> };
  const reject = (position: string, reason: string): void => {
    report.rejectedCount++;
    if (report.rejected.length < 100) report.rejected.push({ position, reason });
  };
  // Offsets share the ingest-offset table under a key no dataset name can take (dataset names have no ':').
  const key = `feature-view:${opts.view.name}`;
  let committed = (await opts.offsets.get(key, opts.source.id))?.position ?? null;
  await opts.source.open({ consumer: opts.consumer, after: committed, ackWaitMs: 30_000 });
  try {
    let idleSince = Date.now();
    while (!opts.signal?.aborted) {
      const messages = await opts.source.fetch(batch, 250);
      if (messages.length === 0) {
        if (opts.untilIdleMs !== undefined && Date.now() - idleSince >= opts.untilIdleMs) break;
        continue;
      }
      idleSince = Date.now();
      const rows: unknown[] = [];
      const positions: string[] = [];
      const fresh = messages.filter((m) => committed === null || opts.source.compare(m.position, committed) > 0);
      for (const m of fresh) {
        const parsed = parseMessage(m);
        if (typeof parsed === 'string') reject(m.position, parsed);
        else {
          rows.push(parsed.row);
          positions.push(m.position);
        }
      }
      const { records, rejected } = validatePush(opts.view, opts.keys, rows, opts.keyTypes);
      for (const r of rejected) reject(positions[r.index], r.reason);
      if (records.length > 0) {
        const written = await opts.store.write(opts.project, records);
        report.written += written.written;
        report.stale += written.stale;
      }
      // Committed and acknowledged only after the write: a crash in between redelivers, which the event-time rule makes harmless.
      if (fresh.length > 0) {
        const last = fresh.reduce((a, m) => (opts.source.compare(m.position, a) > 0 ? m.position : a), fresh[0].position);
        await opts.offsets.commit({ dataset: key, source: opts.source.id, position: last, version: null, committedAt: new Date().toISOString() }, committed);
        committed = last;
      }
      await opts.source.ack(messages);
      report.consumed += fresh.length;
      opts.onProgress?.(report);
    }
  } finally {
    await opts.source.close();
  }
  return report;
}

function parseMessage(m: StreamMessage): { row: unknown } | string {
  if (m.data === null) return 'the stream no longer holds this message body';
  if (m.data.byteLength > MAX_MESSAGE_BYTES) return `the message is ${m.data.byteLength} bytes; at most ${MAX_MESSAGE_BYTES} are accepted`;
  try {
    return { row: JSON.parse(Buffer.from(m.data).toString('utf8')) as unknown };
  } catch {
    return 'the message is not JSON (send one JSON object per message: join keys, event time, features)';
  }
}
