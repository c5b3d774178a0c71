/**
 * A Frame as a structured-clone payload for a worker thread: its columns are plain objects of typed
 * arrays, so they cross threads as they are; the Frame class is rebuilt on the other side. Buffers can be
 * moved instead of copied when the sender no longer needs the Frame.
 */
import { Frame } from '../core/frame.js';
import type { Column } from '../core/frame.js';

/** What crosses the thread boundary. */
export interface FramePayload {
  readonly columns: readonly Column[];
  readonly rowCount: number;
}

/** The payload of `frame`, and the buffers to move when `move` is set (the Frame is unusable after). */
export function framePayload(frame: Frame, move: boolean): { payload: FramePayload; transfer: ArrayBuffer[] } {
  const payload: FramePayload = { columns: frame.columns, rowCount: frame.rowCount };
  if (!move) return { payload, transfer: [] };
  const buffers = new Set<ArrayBuffer>();
  for (const col of frame.columns) {
    const arr = col.type === 'categorical' ? col.codes : col.type === 'text' ? undefined : col.values;
    // SharedArrayBuffers are shared anyway and cannot be listed for transfer.
    if (arr && arr.buffer instanceof ArrayBuffer) buffers.add(arr.buffer);
  }
  return { payload, transfer: [...buffers] };
}

/** Rebuild the Frame on the receiving side. */
export function frameFromPayload(payload: FramePayload): Frame {
  return new Frame(payload.columns, payload.rowCount);
}
