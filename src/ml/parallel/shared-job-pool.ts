/**
 * A pool of worker threads driven through a SharedArrayBuffer control block instead of messages, so a
 * job costs a few microseconds of wake-up rather than a structured-clone round trip. The calling thread
 * is one of the workers: `run` publishes integer arguments, wakes the workers, does its own part and
 * blocks (Atomics.wait) until every worker has finished. Each participant's part is decided by its
 * index, so results never depend on timing.
 *
 * Control block layout (Int32): [0] sequence number, [1] finished count, [2] command (0 run, 1 exit),
 * [3..] job arguments.
 */
import type { Worker } from 'node:worker_threads';
import { InternalError } from '../../core/errors.js';

const SEQ = 0;
const DONE = 1;
const CMD = 2;
const ARGS = 3;
/** Job arguments available to a handler. */
export const MAX_JOB_ARGS = 13;
const WAIT_MS = 120_000;
/** Polls before sleeping: a futex wake costs tens of microseconds, jobs often finish sooner. */
const SPIN = 2000;

/** Allocate the control block shared by a pool and its workers. */
export function createControlBlock(): Int32Array {
  return new Int32Array(new SharedArrayBuffer((ARGS + MAX_JOB_ARGS) * 4));
}

/** Main-thread side of the pool. */
export class SharedJobPool {
  private readonly ctrl: Int32Array;
  private readonly workers: readonly Worker[];
  private closed = false;

  /** `workers` must run `serveSharedJobs` on the same control block. */
  constructor(ctrl: Int32Array, workers: readonly Worker[]) {
    this.ctrl = ctrl;
    this.workers = workers;
  }

  /** Number of helper threads (the caller is one more participant). */
  get size(): number {
    return this.workers.length;
  }

  /** Resolves once every worker has reported ready; rejects if one fails to start. */
  ready(): Promise<void> {
    return Promise.all(
      this.workers.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            const onMsg = (m: unknown): void => {
              if (m !== 'ready') return;
              w.off('error', onErr);
              resolve();
            };
            const onErr = (e: unknown): void => reject(new InternalError(`worker thread failed to start: ${(e as Error).message ?? String(e)}`, {}, { cause: e }));
            w.on('message', onMsg);
            w.once('error', onErr);
          }),
      ),
    ).then(() => undefined);
  }

  /** Run one job: workers get `args`; `own` is the calling thread's share. Blocks until all are done. */
  run(args: readonly number[], own: () => void): void {
    const c = this.ctrl;
    for (let i = 0; i < args.length; i++) c[ARGS + i] = args[i];
    Atomics.store(c, DONE, 0);
    Atomics.store(c, CMD, 0);
    Atomics.add(c, SEQ, 1);
    Atomics.notify(c, SEQ);
    own();
    const n = this.workers.length;
    let done = Atomics.load(c, DONE);
    for (let s = 0; s < SPIN && done < n; s++) done = Atomics.load(c, DONE);
    while (done < n) {
      if (Atomics.wait(c, DONE, done, WAIT_MS) === 'timed-out') throw new InternalError('worker thread did not finish a job within 120 s');
      done = Atomics.load(c, DONE);
    }
  }

  /** Stop the workers. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    Atomics.store(this.ctrl, CMD, 1);
    Atomics.add(this.ctrl, SEQ, 1);
    Atomics.notify(this.ctrl, SEQ);
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** Worker side: report ready, then run `handler(args)` for every job until told to exit. */
export function serveSharedJobs(ctrl: Int32Array, post: (m: string) => void, handler: (args: Int32Array) => void): void {
  const args = ctrl.subarray(ARGS);
  let seen = Atomics.load(ctrl, SEQ);
  post('ready');
  for (;;) {
    let spins = 0;
    while (Atomics.load(ctrl, SEQ) === seen && spins++ < SPIN);
    if (Atomics.load(ctrl, SEQ) === seen) Atomics.wait(ctrl, SEQ, seen);
    seen = Atomics.load(ctrl, SEQ);
    if (Atomics.load(ctrl, CMD) === 1) return;
    handler(args);
    Atomics.add(ctrl, DONE, 1);
    Atomics.notify(ctrl, DONE);
  }
}
