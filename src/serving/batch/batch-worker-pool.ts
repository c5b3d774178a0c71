/**
 * A fixed pool of batch worker threads. `run` sends a chunk to an idle worker (waiting for one when all
 * are busy) and resolves with the chunk's output columns; a worker error rejects that chunk with the
 * worker's KilnError, and a worker that dies rejects everything it held with an InternalError.
 */
import type { Worker } from 'node:worker_threads';
import { InternalError } from '../../core/errors.js';
import type { Frame } from '../../core/frame.js';
import { spawnWorker } from '../../ml/parallel/spawn-worker.js';
import { framePayload } from '../../training/frame-payload.js';
import { deserializeError } from '../../training/training-messages.js';
import type { BatchWorkerData, BatchWorkerReply } from './batch-worker-messages.js';

interface Pending {
  resolve(columns: string[]): void;
  reject(err: unknown): void;
}

/** Worker threads that score chunks into files. */
export class BatchWorkerPool {
  private readonly idle: Worker[] = [];
  private readonly waiters: ((w: Worker) => void)[] = [];
  private readonly pending = new Map<Worker, Pending>();
  private readonly workers: Worker[] = [];

  constructor(size: number, data: BatchWorkerData) {
    for (let i = 0; i < size; i++) {
      const worker = spawnWorker(new URL('./batch-worker.js', import.meta.url), data);
      worker.on('message', (reply: BatchWorkerReply) => {
        const p = this.pending.get(worker);
        this.pending.delete(worker);
        this.release(worker);
        if (!p) return;
        if ('error' in reply) p.reject(deserializeError(reply.error));
        else p.resolve(reply.columns);
      });
      const die = (why: string): void => {
        const p = this.pending.get(worker);
        this.pending.delete(worker);
        p?.reject(new InternalError(`a batch worker thread ${why}`));
      };
      worker.on('error', (err: Error) => die(`crashed: ${err.message}`));
      worker.on('exit', (code) => die(`exited (code ${code})`));
      this.workers.push(worker);
      this.idle.push(worker);
    }
  }

  /** Score `frame` (its buffers are moved to the worker) into `file`. */
  async run(index: number, frame: Frame, keepInputs: boolean, file: string): Promise<string[]> {
    const worker = this.idle.pop() ?? (await new Promise<Worker>((r) => this.waiters.push(r)));
    const { payload, transfer } = framePayload(frame, true);
    return new Promise<string[]>((resolve, reject) => {
      this.pending.set(worker, { resolve, reject });
      worker.postMessage({ index, frame: payload, keepInputs, file }, transfer);
    });
  }

  /** Stop every worker. */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private release(worker: Worker): void {
    const next = this.waiters.shift();
    if (next) next(worker);
    else this.idle.push(worker);
  }
}
