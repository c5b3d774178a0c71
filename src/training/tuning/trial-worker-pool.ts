/**
 * A study's pool of trial workers (trial-worker.ts): up to K threads, each started once with the study's
 * Frame and reused for trial after trial (a fresh thread per trial pays module loading and a cold JIT,
 * measured at 0.5-1 s per telco-sized trial). `stop()` of a running trial sets its shared flag (pruning:
 * the training unwinds at its next round and the thread is reused); an aborted signal terminates the
 * thread at once (it is replaced on the next trial); a crashed thread fails only its trial.
 */
import type { Worker } from 'node:worker_threads';
import { InternalError } from '../../core/errors.js';
import type { Frame } from '../../core/frame.js';
import { spawnWorker } from '../../ml/parallel/spawn-worker.js';
import type { TrainOptions, TrainResult } from '../../ml/train/train-model.js';
import { framePayload } from '../frame-payload.js';
import { deserializeError } from '../training-messages.js';
import type { SerializedError } from '../training-messages.js';

/** Options of one trial's training (the Frame is the pool's). */
export type TrialTrainOptions = Omit<TrainOptions, 'onIteration' | 'onStage'>;

/** Caller -> worker. */
export interface TrialWorkerRequest {
  readonly id: number;
  readonly options: TrialTrainOptions;
  /** Int32Array[1] over it: 1 = stop at the next round. */
  readonly stop: SharedArrayBuffer;
}

/** Worker -> caller. */
export type TrialWorkerMessage =
  | { readonly type: 'iteration'; readonly id: number; readonly iteration: number; readonly metrics: Record<string, number> }
  | { readonly type: 'done'; readonly id: number; readonly result: TrainResult }
  | { readonly type: 'stopped'; readonly id: number }
  | { readonly type: 'error'; readonly id: number; readonly error: SerializedError };

/** One trial's training as the pool runs it. */
export interface TrialTraining {
  /** The result; rejects with `TRIAL_STOPPED` after `stop()`, with the signal's reason when aborted. */
  readonly result: Promise<TrainResult>;
  /** Stop at the next boosting round (pruning). */
  stop(): void;
}

/** What a stopped training rejects with. */
export const TRIAL_STOPPED = Symbol('trial stopped');

/** Reusable trial threads over one Frame. */
export class TrialWorkerPool {
  private readonly idle: Worker[] = [];
  private readonly all = new Set<Worker>();
  private nextId = 0;

  constructor(private readonly frame: Frame) {}

  /** Train on an idle (or new) thread. */
  train(options: TrialTrainOptions, run: { signal: AbortSignal; onIteration?: (iteration: number, metrics: Record<string, number>) => void }): TrialTraining {
    const stopBuffer = new SharedArrayBuffer(4);
    const stopFlag = new Int32Array(stopBuffer);
    const id = this.nextId++;
    const worker = this.idle.pop() ?? this.spawn();
    const result = new Promise<TrainResult>((resolve, reject) => {
      let settled = false;
      const cleanup = (): void => {
        settled = true;
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        run.signal.removeEventListener('abort', onAbort);
      };
      const release = (): void => {
        cleanup();
        this.idle.push(worker);
      };
      const discard = (): void => {
        cleanup();
        this.all.delete(worker);
        void worker.terminate();
      };
      const onMessage = (m: TrialWorkerMessage): void => {
        if (settled || m.id !== id) return;
        if (m.type === 'iteration') run.onIteration?.(m.iteration, m.metrics);
        else if (m.type === 'done') {
          release();
          resolve(m.result);
        } else if (m.type === 'stopped') {
          release();
          reject(TRIAL_STOPPED);
        } else {
          release();
          reject(deserializeError(m.error));
        }
      };
      const onError = (err: Error): void => {
        discard();
        reject(new InternalError(`a trial worker crashed: ${err.message}`, {}, { cause: err }));
      };
      const onExit = (code: number): void => {
        discard();
        reject(new InternalError(`a trial worker exited (code ${code}) before finishing`));
      };
      const onAbort = (): void => {
        discard();
        reject(run.signal.reason ?? new DOMException('the trial was aborted', 'AbortError'));
      };
      if (run.signal.aborted) return onAbort();
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      run.signal.addEventListener('abort', onAbort, { once: true });
      const request: TrialWorkerRequest = { id, options, stop: stopBuffer };
      worker.postMessage(request);
    });
    return { result, stop: () => Atomics.store(stopFlag, 0, 1) };
  }

  /** Terminate every thread. */
  async close(): Promise<void> {
    const workers = [...this.all];
    this.all.clear();
    this.idle.length = 0;
    await Promise.all(workers.map((w) => w.terminate()));
  }

  private spawn(): Worker {
    const { payload } = framePayload(this.frame, false);
    const worker = spawnWorker(new URL('./trial-worker.js', import.meta.url), { frame: payload });
    // An idle pool never keeps the process alive.
    worker.unref();
    this.all.add(worker);
    return worker;
  }
}
