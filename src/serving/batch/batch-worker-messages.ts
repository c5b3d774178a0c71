/** Messages between `kiln batch` and its worker threads. */
import type { FramePayload } from '../../training/frame-payload.js';
import type { SerializedError } from '../../training/training-messages.js';

/** Given to each worker at start. */
export interface BatchWorkerData {
  readonly bundleText: string;
  readonly source: string;
  readonly duckDbMemoryBytes: number;
}

/** One chunk to score. */
export interface BatchWorkerTask {
  readonly index: number;
  readonly frame: FramePayload;
  readonly keepInputs: boolean;
  readonly file: string;
}

/** The answer for one chunk. */
export type BatchWorkerReply =
  | { readonly index: number; readonly columns: string[] }
  | { readonly index: number; readonly error: SerializedError };
