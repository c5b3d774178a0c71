/**
 * Stream ingestion: consume a `StreamSource` into dataset versions, one version per flush (every
 * `flushRows` messages or `flushEveryMs`, whichever comes first, and when the stream has been idle for
 * `untilIdleMs`, which also ends the run). Exactly-once into versions: the flush's last stream position
 * is committed in the same metadata transaction as the version, and the messages are acknowledged only
 * afterwards. After a crash, redelivered messages at or below the committed position are skipped (and
 * acknowledged), so no row is lost or written twice. Malformed messages are quarantined with the reason.
 */
import { frameFromRecords } from '../../core/frame-builder.js';
import type { Frame } from '../../core/frame.js';
import { UsageError } from '../../core/errors.js';
import type { Schema } from '../../core/schema.js';
import type { ArtifactStore } from '../../store/artifact-store.js';
import type { MetadataStore } from '../../store/metadata-store.js';
import type { StreamMessage, StreamSource } from '../../store/stream-source.js';
import { storedSchema } from '../datasets/dataset-append.js';
import type { Suite } from '../validation/suite.js';
import { appendFrames } from './append-frames.js';
import type { AppendFramesResult } from './append-frames.js';
import { parseMessageRecord } from './message-record.js';
import type { QuarantineEntry } from './quarantine-log.js';

/** Options of `ingestStream`. */
export interface StreamIngestOptions {
  readonly dataset: string;
  readonly source: StreamSource;
  /** Flush after this many messages (default 10,000). */
  readonly flushRows?: number;
  /** Flush buffered messages this long after the first arrived, in ms (default 60,000). */
  readonly flushEveryMs?: number;
  /** Flush and stop after this long without messages, in ms; undefined: run until `signal` aborts. */
  readonly untilIdleMs?: number;
  /** Validate rows against it; failing rows are quarantined. */
  readonly suite: Suite | null;
  /** Folder for temp files (`KILN_HOME/tmp`). */
  readonly tmpDir: string;
  /** Abort to stop: buffered messages are flushed first. */
  readonly signal?: AbortSignal;
  /** After every fetch and flush. */
  readonly onProgress?: (progress: IngestProgress) => void;
  /** After every flush. */
  readonly onFlush?: (flush: FlushReport) => void;
}

/** Running counts. */
export interface IngestProgress {
  /** Messages received in this run (redeliveries of committed ones excluded). */
  readonly consumed: number;
  /** Rows written into versions in this run. */
  readonly flushed: number;
  readonly quarantined: number;
  /** Redelivered messages skipped because their position was already committed. */
  readonly skipped: number;
  /** Latest version written in this run (null: none yet). */
  readonly version: number | null;
}

/** One flush. */
export interface FlushReport {
  readonly version: number | null;
  readonly rows: number;
  readonly quarantined: number;
  readonly quarantineArtifact: string | null;
  readonly position: string;
}

/** The whole run. */
export interface IngestReport extends IngestProgress {
  readonly dataset: string;
  readonly source: string;
  /** The committed position at the end (null: nothing ever committed). */
  readonly position: string | null;
  readonly flushes: FlushReport[];
}

const FETCH_MAX = 1000;
const MAX_WAIT_MS = 1000;

/** The durable consumer / group name for a dataset (JetStream names allow no `.`). */
export function consumerName(dataset: string): string {
  return `kiln-ingest-${dataset.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

/** Consumes `options.source` into versions of `options.dataset` until idle or aborted. */
export async function ingestStream(metadata: MetadataStore, artifacts: ArtifactStore, options: StreamIngestOptions): Promise<IngestReport> {
  const { dataset, source } = options;
  const flushRows = options.flushRows ?? 10_000;
  const flushEveryMs = options.flushEveryMs ?? 60_000;
  if (!(Number.isSafeInteger(flushRows) && flushRows > 0)) throw new UsageError(`flushRows must be a positive integer, got ${flushRows}`, { field: 'flushRows' });
  if (!(flushEveryMs > 0)) throw new UsageError(`flushEveryMs must be positive, got ${flushEveryMs}`, { field: 'flushEveryMs' });
  if (options.untilIdleMs !== undefined && !(options.untilIdleMs > 0)) throw new UsageError(`untilIdleMs must be positive, got ${options.untilIdleMs}`, { field: 'untilIdleMs' });

  const committed = await metadata.ingestOffsets.get(dataset, source.id);
  let position = committed?.position ?? null;
  let version = committed?.version ?? null;
  let schema: Schema | null = await storedSchema(artifacts, await metadata.datasets.getVersion(dataset, 'latest'));
  const counts = { consumed: 0, flushed: 0, quarantined: 0, skipped: 0 };
  let runVersion: number | null = null;
  const flushes: FlushReport[] = [];
  const progress = (): IngestProgress => ({ ...counts, version: runVersion });

  await source.open({ consumer: consumerName(dataset), after: position, ackWaitMs: Math.max(60_000, 2 * flushEveryMs) });
  try {
    let buffer: StreamMessage[] = [];
    let bufferSince = 0;
    let lastMessageAt = Date.now();

    const flush = async (): Promise<void> => {
      if (buffer.length === 0) return;
      const batch = buffer;
      const records: Record<string, unknown>[] = [];
      const rejected: QuarantineEntry[] = [];
      let last = batch[0].position;
      for (const m of batch) {
        if (source.compare(m.position, last) > 0) last = m.position;
        const parsed = parseMessageRecord(m.data, schema);
        if ('record' in parsed) records.push(parsed.record);
        else rejected.push({ row: null, position: m.position, reasons: [parsed.reason], raw: parsed.raw });
      }
      // Without a schema yet, the first flush's rows define it (types inferred like JSON uploads).
      const frames: Frame[] = records.length > 0 ? [frameFromRecords(records, schema ?? undefined)] : [];
      const expected = position;
      const result: AppendFramesResult = await appendFrames(metadata, artifacts, {
        name: dataset,
        frames,
        suite: options.suite,
        source: source.id,
        tmpDir: options.tmpDir,
        rejected,
        inTransaction: async (tx, v) => {
          await tx.ingestOffsets.commit({ dataset, source: source.id, position: last, version: v?.version ?? version, committedAt: new Date().toISOString() }, expected);
        },
      });
      // Committed: from here a crash only redelivers messages that the restart skips.
      position = last;
      buffer = [];
      await source.ack(batch);
      if (result.version) {
        version = result.version.version;
        runVersion = version;
        schema ??= await storedSchema(artifacts, await metadata.datasets.getVersion(dataset, version));
      }
      counts.flushed += result.appendedRows;
      counts.quarantined += result.quarantine.rows;
      const report: FlushReport = { version: result.version?.version ?? null, rows: result.appendedRows, quarantined: result.quarantine.rows, quarantineArtifact: result.quarantine.artifactHash, position: last };
      flushes.push(report);
      options.onFlush?.(report);
      options.onProgress?.(progress());
    };

    for (;;) {
      if (options.signal?.aborted) break;
      const now = Date.now();
      let waitMs = MAX_WAIT_MS;
      if (buffer.length > 0) waitMs = Math.min(waitMs, bufferSince + flushEveryMs - now);
      if (options.untilIdleMs !== undefined) waitMs = Math.min(waitMs, lastMessageAt + options.untilIdleMs - now);
      const messages = await source.fetch(Math.min(FETCH_MAX, flushRows - buffer.length), Math.max(1, waitMs));
      if (messages.length > 0) lastMessageAt = Date.now();
      const skipped: StreamMessage[] = [];
      const lastBuffered = buffer.length > 0 ? buffer[buffer.length - 1].position : null;
      for (const m of messages) {
        if (position !== null && source.compare(m.position, position) <= 0) skipped.push(m);
        else if (lastBuffered !== null && source.compare(m.position, lastBuffered) <= 0) continue;
        else {
          if (buffer.length === 0) bufferSince = Date.now();
          buffer.push(m);
          counts.consumed++;
        }
      }
      if (skipped.length > 0) {
        counts.skipped += skipped.length;
        await source.ack(skipped);
      }
      if (messages.length > 0) options.onProgress?.(progress());
      const t = Date.now();
      if (buffer.length >= flushRows || (buffer.length > 0 && t - bufferSince >= flushEveryMs)) await flush();
      if (options.untilIdleMs !== undefined && t - lastMessageAt >= options.untilIdleMs) break;
    }
    await flush();
  } finally {
    await source.close();
  }
  return { dataset, source: source.id, ...progress(), position, flushes };
}
