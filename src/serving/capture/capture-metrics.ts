/**
 * Prometheus metrics of a capture buffer (prom-client): counters for offered, sampled, written, dropped
 * and lost rows, write failures and segments; gauges for the buffered rows and the capacity. They read
 * the buffer's counters at scrape time, so the request path does no metric work.
 */
import { Counter, Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import type { CaptureBuffer, CaptureCounters } from './capture-buffer.js';

const COUNTERS: readonly [keyof CaptureCounters, string, string][] = [
  ['offeredRows', 'kiln_capture_offered_rows_total', 'Prediction rows offered to capture'],
  ['sampledRows', 'kiln_capture_sampled_rows_total', 'Prediction rows chosen by sampling'],
  ['droppedRows', 'kiln_capture_dropped_rows_total', 'Prediction rows dropped because the capture buffer was full (or closed)'],
  ['rejectedRecords', 'kiln_capture_rejected_records_total', 'Malformed prediction records capture refused'],
  ['writtenRows', 'kiln_capture_written_rows_total', 'Rows written to capture segments'],
  ['indexedIds', 'kiln_capture_indexed_ids_total', 'Prediction ids indexed for feedback'],
  ['segments', 'kiln_capture_segments_total', 'Capture segments written'],
  ['writeFailures', 'kiln_capture_write_failures_total', 'Failed segment writes (retried)'],
  ['lostRows', 'kiln_capture_lost_rows_total', 'Rows given up after repeated write failures'],
  ['attributedRows', 'kiln_capture_attributed_rows_total', 'Captured rows stored with TreeSHAP attributions'],
  ['unattributedRows', 'kiln_capture_unattributed_rows_total', 'Captured rows of endpoints with capture attributions on, stored without them (model TreeSHAP cannot explain, or the attribution worker failed)'],
];

/** Register the buffer's metrics on `registry`. */
export function registerCaptureMetrics(registry: Registry, buffer: CaptureBuffer): void {
  for (const [key, name, help] of COUNTERS) {
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(buffer.counters()[key]);
      },
    });
  }
  new Gauge({ name: 'kiln_capture_buffered_rows', help: 'Rows waiting in the capture buffer', registers: [registry], collect() { this.set(buffer.counters().bufferedRows); } });
  new Gauge({ name: 'kiln_capture_capacity_rows', help: 'Capacity of the capture buffer in rows', registers: [registry], collect() { this.set(buffer.counters().capacityRows); } });
}
