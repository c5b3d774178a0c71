/**
 * Runs `trainModel` in a worker thread so that a server's event loop keeps answering while a model
 * trains. An `AbortSignal` terminates the thread at once (also mid-tree: termination interrupts the
 * GBDT pool's waits); a worker that dies without an answer fails the run with an InternalError.
 */
import { spawnWorker } from '../ml/parallel/spawn-worker.js';
import type { TrainOptions, TrainResult } from '../ml/train/train-model.js';
import type { Frame } from '../core/frame.js';
import { InternalError } from '../core/errors.js';
import { framePayload } from './frame-payload.js';
import { deserializeError } from './training-messages.js';
import type { TrainingWorkerData, TrainingWorkerMessage } from './training-messages.js';

/** Options of one run in a worker. */
export interface WorkerRunOptions {
  readonly signal?: AbortSignal;
  readonly onIteration?: TrainOptions['onIteration'];
  readonly onStage?: TrainOptions['onStage'];
  /** Move the Frame's buffers to the worker (no copy); the caller must not use the Frame afterwards. */
  readonly moveFrame?: boolean;
}

/** Train in a worker thread; rejects with the run's KilnError, or the signal's reason when aborted. */
export function trainInWorker(frame: Frame, options: Omit<TrainOptions, 'onIteration' | 'onStage'>, run: WorkerRunOptions = {}): Promise<TrainResult> {
  const { signal } = run;
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  const { payload, transfer } = framePayload(frame, run.moveFrame ?? false);
  const data: TrainingWorkerData = { frame: payload, options };
  const worker = spawnWorker(new URL('./training-worker.js', import.meta.url), data, transfer);
  return new Promise<TrainResult>((resolve, reject) => {
    let settled = false;
    const settle = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      // The run is over either way: stop the thread (and any pool it still holds).
      void worker.terminate();
      fn();
    };
    const onAbort = (): void => settle(() => reject(abortReason(signal as AbortSignal)));
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (m: TrainingWorkerMessage) => {
      if (m.type === 'iteration') run.onIteration?.(m.iteration, m.metrics);
      else if (m.type === 'stage') run.onStage?.(m.stage);
      else if (m.type === 'done') settle(() => resolve(m.result));
      else settle(() => reject(deserializeError(m.error)));
    });
    worker.on('error', (err: Error) => settle(() => reject(new InternalError(`the training worker crashed: ${err.message}`, {}, { cause: err }))));
    worker.on('exit', (code) => settle(() => reject(new InternalError(`the training worker exited (code ${code}) before finishing`))));
  });
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('training was aborted', 'AbortError');
}
