/**
 * Worker-thread entry of a study's trial pool: holds the study's Frame (sent once) and trains one trial
 * after another with `trainModel`, so every trial after the first runs on a warm JIT instead of a cold
 * thread. A trial is stopped early (pruned) through a shared flag that the iteration callback checks: the
 * training unwinds at the next boosting round and the worker takes the next trial.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { trainModel } from '../../ml/train/train-model.js';
import { frameFromPayload } from '../frame-payload.js';
import { serializeError } from '../training-messages.js';
import type { FramePayload } from '../frame-payload.js';
import type { TrialWorkerRequest, TrialWorkerMessage } from './trial-worker-pool.js';

const frameData = workerData as { frame: FramePayload } | undefined;
if (frameData && parentPort) {
  const port = parentPort;
  const frame = frameFromPayload(frameData.frame);
  const post = (m: TrialWorkerMessage): void => port.postMessage(m);
  class Stopped extends Error {}
  port.on('message', (req: TrialWorkerRequest) => {
    const stop = new Int32Array(req.stop);
    trainModel(frame, {
      ...req.options,
      onIteration: (iteration, metrics) => {
        post({ type: 'iteration', id: req.id, iteration, metrics });
        if (Atomics.load(stop, 0) === 1) throw new Stopped('stopped');
      },
    }).then(
      (result) => post({ type: 'done', id: req.id, result }),
      (err: unknown) => post(err instanceof Stopped ? { type: 'stopped', id: req.id } : { type: 'error', id: req.id, error: serializeError(err) }),
    );
  });
}
