/**
 * Capture for a serving process: the capture buffer (sampling, masking, segments, prediction-id index)
 * fed by the inference runtime, with each endpoint's capture settings kept fresh from the endpoint
 * store (sampling rate and the endpoint's `captureMasking` policy). Both `kiln server` (mounted inference routes) and `kiln serve` (each worker process) start one;
 * closing flushes everything buffered, so a graceful stop loses nothing.
 */
import type { Kiln } from '../kiln.js';
import { EndpointCaptureSettingsCache } from '../serving/capture/endpoint-capture-settings.js';
import { captureMaskingOf } from '../serving/capture-masking-setting.js';
import type { PredictionSink } from '../serving/prediction-record.js';

/** A running capture pipeline. */
export interface CaptureSink {
  readonly sink: PredictionSink;
  /** Rows dropped because the buffer was full (`kiln_serving_capture_dropped`). */
  readonly captureDrops: () => number;
  /** Stop polling settings and flush the buffer (call after the server drained). */
  close(): Promise<void>;
}

/** Start capture over Kiln's endpoint store and capture service. */
export async function startCaptureSink(kiln: Kiln, onError: (err: unknown) => void): Promise<CaptureSink> {
  const cache = new EndpointCaptureSettingsCache(kiln.metadata.endpoints, { maskingFor: (_p, _e, record) => captureMaskingOf(record, onError), onError });
  await cache.start();
  const buffer = await kiln.capture.createBuffer({ settings: cache.lookup, onError });
  return {
    sink: buffer,
    captureDrops: () => buffer.counters().droppedRows,
    close: async () => {
      cache.stop();
      await buffer.close();
    },
  };
}
