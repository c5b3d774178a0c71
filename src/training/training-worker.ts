/**
 * Worker-thread entry of a training run: rebuilds the Frame, runs `trainModel`, and posts progress and
 * the result (or the error) back. Running here keeps the caller's event loop free, and lets the caller
 * stop a run at any point by terminating the thread (with the GBDT pool it started).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { trainModel } from '../ml/train/train-model.js';
import { frameFromPayload } from './frame-payload.js';
import { serializeError } from './training-messages.js';
import type { TrainingWorkerData, TrainingWorkerMessage } from './training-messages.js';

const wd = workerData as TrainingWorkerData | undefined;
if (wd && parentPort) {
  const port = parentPort;
  const post = (m: TrainingWorkerMessage): void => port.postMessage(m);
  const run = async (): Promise<void> => {
    const frame = frameFromPayload(wd.frame);
    const result = await trainModel(frame, {
      ...wd.options,
      onIteration: (iteration, metrics) => post({ type: 'iteration', iteration, metrics }),
      onStage: (stage) => post({ type: 'stage', stage }),
    });
    post({ type: 'done', result });
  };
  run().catch((err: unknown) => post({ type: 'error', error: serializeError(err) }));
}
