/**
 * `CaptureBuffer`: the inference server's `PredictionSink` for capture. `offer` samples each instance by
 * its prediction id (per-endpoint rate), appends the record to a bounded in-memory buffer and returns; it
 * never awaits, never throws, and when the buffer is full it drops the record and counts the drop. A
 * background flusher hands batches to a `CaptureWriter` (Parquet segments + metadata) every
 * `flushIntervalMs` or as soon as `flushRows` rows wait. A failed write keeps its rows buffered (they
 * still count against the capacity) and retries on the next flush, up to `maxAttempts` (the last attempt
 * writes each record alone, so a record the writer cannot take loses only itself). `close()` stops
 * the timer and flushes everything, so a graceful shutdown loses nothing that was accepted. Endpoints with
 * `attributions` on get TreeSHAP attributions computed by the writer during the flush, off the request path.
 *
 * Every prediction id is indexed (captured or not) so that feedback can tell known ids from unknown ones;
 * `indexAllPredictions: false` keeps only sampled ones (feedback then knows only captured ids).
 */
import { InternalError } from '../../core/errors.js';
import type { PredictionRecord, PredictionSink } from '../prediction-record.js';
import { attributionThread } from './capture-attribution-thread.js';
import type { SampledRecord } from './capture-frame.js';
import { isSampled } from './capture-sampler.js';
import type { CaptureSettingsLookup, EndpointCaptureSettings } from './capture-settings.js';
import type { CaptureWriter } from './capture-segment-writer.js';

/** Options of a capture buffer. */
export interface CaptureBufferOptions {
  readonly writer: CaptureWriter;
  /** Per-endpoint settings; endpoints it returns `undefined` for use `defaults`. */
  readonly settings?: CaptureSettingsLookup;
  /** Settings of endpoints without their own (default: capture off, ids still indexed). */
  readonly defaults?: EndpointCaptureSettings;
  /** Most rows (instances) held, waiting and in flight together (default 100,000). */
  readonly capacityRows?: number;
  /** Flush as soon as this many rows wait (default 10,000). */
  readonly flushRows?: number;
  /** Flush at least this often while rows wait (default 5,000 ms; 0 = only on demand). */
  readonly flushIntervalMs?: number;
  /** Seed of the sampling hash (default 0). */
  readonly seed?: number;
  /** Index ids of predictions that were not sampled too (default true). */
  readonly indexAllPredictions?: boolean;
  /** Write attempts per batch before its rows are given up and counted as lost (default 5). */
  readonly maxAttempts?: number;
  /** Told about write failures and malformed records (the server logs them). */
  readonly onError?: (err: unknown) => void;
}

/** Counters for Prometheus (`capture-metrics.ts`) and tests; all in rows (instances) unless named. */
export interface CaptureCounters {
  readonly offeredRows: number;
  readonly sampledRows: number;
  readonly droppedRows: number;
  readonly droppedRecords: number;
  readonly rejectedRecords: number;
  readonly writtenRows: number;
  readonly indexedIds: number;
  readonly segments: number;
  readonly writeFailures: number;
  readonly lostRows: number;
  /** Rows written with TreeSHAP attributions, and rows of endpoints asking for them written without. */
  readonly attributedRows: number;
  readonly unattributedRows: number;
  readonly bufferedRows: number;
  readonly capacityRows: number;
}

interface Entry {
  readonly item: SampledRecord;
  readonly size: number;
  readonly seq: number;
  attempts: number;
}

const OFF: EndpointCaptureSettings = { sampleRate: 0, masking: null };

/** Sampled, bounded, asynchronous capture of prediction records. */
export class CaptureBuffer implements PredictionSink {
  private waiting: Entry[] = [];
  private buffered = 0;
  private waitingCount = 0;
  private flushScheduled = false;
  private seq = 0;
  private closed = false;
  private flushing: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly c = { offeredRows: 0, sampledRows: 0, droppedRows: 0, droppedRecords: 0, rejectedRecords: 0, writtenRows: 0, indexedIds: 0, segments: 0, writeFailures: 0, lostRows: 0, attributedRows: 0, unattributedRows: 0 };
  private readonly capacity: number;
  private readonly flushRows: number;

  constructor(private readonly opts: CaptureBufferOptions) {
    this.capacity = Math.max(1, opts.capacityRows ?? 100_000);
    this.flushRows = Math.max(1, Math.min(opts.flushRows ?? 10_000, this.capacity));
    const interval = opts.flushIntervalMs ?? 5000;
    if (interval > 0) {
      this.timer = setInterval(() => void this.flush().catch(() => undefined), interval);
      this.timer.unref();
    }
  }

  /** Sample and buffer a record; returns at once and never throws. */
  offer(record: PredictionRecord): void {
    try {
      this.accept(record);
    } catch (err) {
      this.c.rejectedRecords++;
      this.report(err);
    }
  }

  private accept(record: PredictionRecord): void {
    const n = record.predictionIds.length;
    if (n === 0) return;
    this.c.offeredRows += n;
    if (this.closed) {
      this.drop(n);
      return;
    }
    if (typeof record.project !== 'string' || typeof record.endpoint !== 'string') throw new InternalError('capture: a prediction record without project or endpoint');
    const settings = this.settingsOf(record);
    const rows: number[] = [];
    for (let i = 0; i < n; i++) if (isSampled(record.predictionIds[i], settings.sampleRate, this.opts.seed ?? 0)) rows.push(i);
    if (rows.length === 0 && this.opts.indexAllPredictions === false) return;
    // Only a record with sampled rows is checked (and its inputs read): the server builds inputs lazily.
    if (rows.length > 0 && !validShape(record)) throw new InternalError(`capture: malformed prediction record for endpoint ${record.endpoint} (array lengths differ from predictionIds)`);
    const size = n;
    if (this.buffered + size > this.capacity) {
      this.drop(n);
      return;
    }
    this.c.sampledRows += rows.length;
    this.buffered += size;
    // A record with no sampled row keeps only its ids (for the index), not its inputs.
    const kept: PredictionRecord = rows.length > 0 ? record : idsOnly(record);
    this.waiting.push({ item: { record: kept, rows: rows.length === n ? null : rows }, size, seq: ++this.seq, attempts: 0 });
    this.waitingCount += size;
    if (this.waitingCount >= this.flushRows && !this.flushing && !this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => {
        this.flushScheduled = false;
        void this.flush().catch(() => undefined);
      });
    }
  }

  /** Write everything buffered now (waits for a flush already running first). */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.waiting.length === 0) return;
    this.flushing = this.flushOnce().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  /** Stop accepting, flush everything (retrying failed writes), stop the timer. Throws if rows could not be written. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const max = this.opts.maxAttempts ?? 5;
    for (let round = 0; round < max && this.waiting.length > 0; round++) await this.flush();
    while (this.flushing) await this.flushing;
    // Capture shutdown: the attribution worker goes too once its jobs are done (another buffer's flush starts it again).
    await attributionThread.close();
    if (this.waiting.length > 0) {
      const rows = this.waitingCount;
      throw new InternalError(`capture: ${rows} buffered row(s) could not be written at shutdown`, { rows });
    }
  }

  /** A snapshot of the counters. */
  counters(): CaptureCounters {
    return { ...this.c, bufferedRows: this.buffered, capacityRows: this.capacity };
  }

  private async flushOnce(): Promise<void> {
    const batch = this.waiting;
    this.waiting = [];
    this.waitingCount = 0;
    const groups = new Map<string, Entry[]>();
    const max = this.opts.maxAttempts ?? 5;
    for (const e of batch) {
      // Last chance: write the record alone, so one record the writer cannot take loses only itself.
      const alone = max > 1 && e.attempts >= max - 1 ? `\u0000${e.seq}` : '';
      const key = `${e.item.record.project}\u0000${e.item.record.endpoint}${alone}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = []));
      g.push(e);
    }
    const retry: Entry[] = [];
    for (const entries of groups.values()) {
      const { project, endpoint } = entries[0].item.record;
      const rows = entries.reduce((s, e) => s + e.size, 0);
      try {
        const settings = this.settingsOf(entries[0].item.record);
        const options = settings.attributions ? { attributions: true, onAttributionSkip: (reason: string) => this.report(new Error(reason)) } : undefined;
        const res = await this.opts.writer.write(project, endpoint, entries.map((e) => e.item), settings.masking, options);
        this.c.writtenRows += res.capturedRows;
        this.c.attributedRows += res.attributedRows ?? 0;
        this.c.unattributedRows += res.unattributedRows ?? 0;
        this.c.indexedIds += res.indexedIds;
        this.c.segments += res.segments.length;
        this.buffered -= rows;
      } catch (err) {
        this.c.writeFailures++;
        this.report(err);
        for (const e of entries) {
          e.attempts++;
          if (e.attempts >= max) {
            this.c.lostRows += e.size;
            this.buffered -= e.size;
          } else retry.push(e);
        }
      }
    }
    // Failed entries go back in front: their rows were accepted first.
    if (retry.length > 0) {
      this.waiting = [...retry, ...this.waiting];
      for (const e of retry) this.waitingCount += e.size;
    }
  }

  private settingsOf(record: PredictionRecord): EndpointCaptureSettings {
    return this.opts.settings?.(record.project, record.endpoint) ?? this.opts.defaults ?? OFF;
  }

  private drop(rows: number): void {
    this.c.droppedRows += rows;
    this.c.droppedRecords++;
  }

  private report(err: unknown): void {
    try {
      this.opts.onError?.(err);
    } catch {
      // A failing logger must not break capture.
    }
  }
}

const NO_INPUTS: Readonly<Record<string, readonly unknown[]>> = Object.freeze({});
const NO_PREDICTIONS: readonly (string | number | null)[] = Object.freeze([]);

/** The part of a record the id index needs. */
function idsOnly(r: PredictionRecord): PredictionRecord {
  return { project: r.project, endpoint: r.endpoint, variant: r.variant, modelVersion: r.modelVersion, predictionIds: r.predictionIds, inputs: NO_INPUTS, predictions: NO_PREDICTIONS, latencyMs: r.latencyMs, receivedAt: r.receivedAt };
}

function validShape(r: PredictionRecord): boolean {
  const n = r.predictionIds.length;
  if (!Array.isArray(r.predictions) || r.predictions.length !== n) return false;
  if (r.probabilities && r.probabilities.length !== n) return false;
  for (const values of Object.values(r.inputs)) if (!Array.isArray(values) || values.length !== n) return false;
  return true;
}
