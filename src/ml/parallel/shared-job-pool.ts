/**
 * A pool of worker threads driven through a SharedArrayBuffer control block instead of messages, so a
 * job costs a few microseconds of wake-up rather than a structured-clone round trip. A job is split
 * into numbered blocks; the calling thread and the workers claim blocks with compare-and-swap until
 * none are left, and the caller returns once every block is finished. Claiming (rather than a fixed
 * block per thread) keeps a descheduled worker from stalling the job on a busy machine: the others
 * simply take its blocks. Which thread runs a block never changes what the block computes, so results
 * do not depend on timing.
 *
 * A worker that fails (its handler throws, or it calls `process.exit`) records why in the control
 * block and bumps the finished count past any job size, so the waiting caller wakes at once and throws
 * instead of waiting for a block that will never finish; the pool refuses every later job. A worker
 * killed without running any JavaScript (terminated from outside) is noticed through its `exit` event
 * between jobs, or after the 120 s wait inside one.
 *
 * Control block (Int32): [0] job sequence, [1] finished blocks, [2] command (0 run, 1 exit),
 * [3] block ticket ((sequence & 0x3ffff) << 14 | blocks taken from the back << 7 | blocks taken from
 * the front), [4] block count, [5] failure
 * (0 none, 1 handler threw, 2 worker exited), [6..16] job arguments, then FAILURE_BYTES of UTF-8 message.
 */
import { availableParallelism, loadavg } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import type { Worker } from 'node:worker_threads';
import { InternalError } from '../../core/errors.js';
import { POOL_TRACE, PoolTrace, TRACE_BYTES } from './job-pool-trace.js';
import { spawnWorker } from './spawn-worker.js';

const SEQ = 0;
const FINISHED = 1;
const CMD = 2;
const NEXT = 3;
const NBLOCKS = 4;
const FAILED = 5;
const ARGS = 6;
/** Job arguments available to a handler. */
export const MAX_JOB_ARGS = 11;
/** Bytes kept for a failed worker's message. */
const FAILURE_BYTES = 256;
const MESSAGE = ARGS + MAX_JOB_ARGS;
/** Added to the finished count by a failing worker: larger than any job, so every wait ends. */
const FAILURE_BUMP = 1 << 20;
/**
 * Test hook, read only inside workers: `throw:N` or `exit:N` makes a worker fail on its N-th block, so
 * tests can check that a crashed worker fails the job fast instead of hanging it.
 */
const CRASH_ENV = 'KILN_TEST_POOL_WORKER_CRASH';
/** Blocks per job (the ticket keeps 7 bits for each end). */
export const MAX_JOB_BLOCKS = 127;
const TAG_MASK = 0x3ffff;
const WAIT_MS = 120_000;
/**
 * How long a thread polls before it sleeps on a futex, in µs, when the machine is quiet. Waking a
 * sleeping thread costs 50 µs to over 1 ms on a virtual machine (the idle vCPU is halted), while the
 * caller's serial work between two jobs of a tree (split finding, bookkeeping) is typically 20-200 µs:
 * a worker that slept after every job joined most jobs late or not at all (measured: 0.2-1.7 ms mean
 * delay from publication to its first claim). Polling for a while, as OpenMP runtimes do, keeps it
 * ready for the next job. On a busy machine polling is harmful instead: with autogroup scheduling a
 * polling worker takes CPU from its own process's calling thread (measured 1.6-1.9x slower training at
 * load 8 on 2 cores), so busy machines get BUSY_SPIN_US. `KILN_POOL_SPIN_US` overrides both (A/B runs).
 */
const QUIET_SPIN_US = 1000;
const BUSY_SPIN_US = 5;
/** Polls between two clock reads while spinning. */
const SPIN_CHECK = 256;

/** The poll budget for a new pool of `threads` threads (see QUIET_SPIN_US). */
function chooseSpinUs(threads: number): number {
  const forced = typeof process !== 'undefined' ? Number(process.env.KILN_POOL_SPIN_US) : NaN;
  if (Number.isFinite(forced) && forced >= 0) return Math.floor(forced);
  // The 1-minute load counts this process's calling thread (and a benchmark's previous runs): more
  // than about one extra runnable thread beyond the pool's means other work wants these cores.
  const cores = availableParallelism();
  return loadavg()[0] < Math.min(cores, threads) + 1 ? QUIET_SPIN_US : BUSY_SPIN_US;
}

/** Poll `a[i]` while it equals `value`, for at most `us` µs; returns the last value read. */
function spinWhile(a: Int32Array, i: number, value: number, us: number): number {
  let v = Atomics.load(a, i);
  if (v !== value || us <= 0) return v;
  const until = performance.now() + us / 1000;
  for (;;) {
    for (let s = 0; s < SPIN_CHECK; s++) {
      v = Atomics.load(a, i);
      if (v !== value) return v;
    }
    if (performance.now() >= until) return v;
  }
}

/** Int32 index of the worker-id counter (after the failure message). */
const WORKER_ID = (MESSAGE * 4 + FAILURE_BYTES) >> 2;
/** Int32 index of the poll budget in µs (see QUIET_SPIN_US). */
const SPIN_US = WORKER_ID + 1;
/** Byte offset of the trace doubles in the control block's buffer (8-aligned). */
const TRACE_OFFSET = (4 * (SPIN_US + 1) + 7) & ~7;

/** Allocate the control block shared by a pool and its workers. */
export function createControlBlock(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(TRACE_OFFSET + TRACE_BYTES));
}

function traceOf(ctrl: Int32Array): PoolTrace | undefined {
  return POOL_TRACE ? new PoolTrace(ctrl.buffer, TRACE_OFFSET) : undefined;
}

/** Record a worker failure (first one wins) and wake the caller. */
function recordFailure(ctrl: Int32Array, kind: 1 | 2, message: string): void {
  if (Atomics.compareExchange(ctrl, FAILED, 0, kind) !== 0) return;
  const bytes = new TextEncoder().encode(message).subarray(0, FAILURE_BYTES);
  new Uint8Array(ctrl.buffer, MESSAGE * 4, FAILURE_BYTES).set(bytes);
  Atomics.add(ctrl, FINISHED, FAILURE_BUMP);
  Atomics.notify(ctrl, FINISHED);
}

/** The recorded failure as an error, or null. */
function failureOf(ctrl: Int32Array): InternalError | null {
  const kind = Atomics.load(ctrl, FAILED);
  if (kind === 0) return null;
  // TextDecoder refuses views of shared memory: copy first.
  const raw = new Uint8Array(ctrl.buffer, MESSAGE * 4, FAILURE_BYTES).slice();
  const end = raw.indexOf(0);
  const message = new TextDecoder().decode(end >= 0 ? raw.subarray(0, end) : raw);
  return new InternalError(`a worker thread ${kind === 1 ? 'failed' : 'exited'} during parallel training: ${message}`, { reason: kind === 1 ? 'worker_error' : 'worker_exit' });
}

/**
 * Claim a block of job `seq`, or -1 when the job is finished or superseded. The caller claims from the
 * front (block 0 up) and workers from the back: the blocks of a job are position ranges in ascending
 * order (row blocks, partition chunks), so the caller keeps the low positions and the worker the high
 * ones, split after split. A partition chunk's rows then land mostly where the same thread reads them
 * next (the lower chunks' lefts begin the left child, the upper chunks' rights end the right child),
 * instead of in the other core's cache: the traced worker took ~2x the caller's time for the same work
 * on data the caller had just written.
 */
function claim(ctrl: Int32Array, seq: number, blocks: number, fromBack: boolean): number {
  const tag = seq & TAG_MASK;
  for (;;) {
    const cur = Atomics.load(ctrl, NEXT);
    if (cur >>> 14 !== tag) return -1;
    const front = cur & 127;
    const back = (cur >>> 7) & 127;
    if (front + back >= blocks) return -1;
    if (Atomics.compareExchange(ctrl, NEXT, cur, fromBack ? cur + 128 : cur + 1) === cur) return fromBack ? blocks - 1 - back : front;
  }
}

/** Main-thread side of the pool. */
export class SharedJobPool {
  private readonly ctrl: Int32Array;
  private readonly workers: readonly Worker[];
  private readonly trace: PoolTrace | undefined;
  private closed = false;

  /** `workers` must run `serveSharedJobs` on the same control block. */
  constructor(ctrl: Int32Array, workers: readonly Worker[]) {
    this.ctrl = ctrl;
    this.workers = workers;
    this.trace = traceOf(ctrl);
    for (const w of workers) {
      // Between jobs the event loop runs: a worker that died without recording it (terminated from
      // outside, out of memory) is recorded here, and the next job fails instead of waiting.
      w.on('error', (e: unknown) => recordFailure(ctrl, 1, errorText(e)));
      w.on('exit', (code: number) => {
        if (!this.closed) recordFailure(ctrl, 2, `exit code ${code}`);
      });
    }
  }

  /**
   * Whether idle workers poll (a quiet machine, see QUIET_SPIN_US): a job then costs a few µs of
   * dispatch instead of a futex wake, so smaller jobs pay to share.
   */
  get polling(): boolean {
    return this.ctrl[SPIN_US] >= 100;
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
              w.off('exit', onExit);
              resolve();
            };
            const onErr = (e: unknown): void => reject(new InternalError(`worker thread failed to start: ${errorText(e)}`, {}, { cause: e }));
            const onExit = (code: number): void => reject(new InternalError(`worker thread exited (code ${code}) before it was ready`));
            w.on('message', onMsg);
            w.once('error', onErr);
            w.once('exit', onExit);
          }),
      ),
    ).then(() => undefined);
  }

  /**
   * Run one job of `blocks` blocks: workers call their handler with (`args`, block); the calling
   * thread runs `own(block)` for the blocks it claims (after `first()`, which runs once the job is
   * published and must not touch the job's data). Blocks until every block is finished.
   */
  run(args: readonly number[], blocks: number, own: (block: number) => void, first?: () => void): void {
    const c = this.ctrl;
    if (blocks > MAX_JOB_BLOCKS || args.length > MAX_JOB_ARGS) throw new InternalError('job too large for the shared control block');
    const before = failureOf(c);
    if (before) throw before;
    // Invalidate the ticket first: a late worker still holding the previous job's sequence can then
    // never claim a block while the arguments and block count below are being rewritten.
    Atomics.store(c, NEXT, -1);
    for (let i = 0; i < args.length; i++) c[ARGS + i] = args[i];
    const seq = (Atomics.load(c, SEQ) + 1) | 0;
    const tr = this.trace;
    const t0 = tr ? tr.published() : 0;
    Atomics.store(c, NBLOCKS, blocks);
    Atomics.store(c, FINISHED, 0);
    Atomics.store(c, CMD, 0);
    Atomics.store(c, NEXT, (seq & TAG_MASK) << 14);
    Atomics.store(c, SEQ, seq);
    Atomics.notify(c, SEQ);
    // Caller-side work that the job does not depend on overlaps the workers' first blocks.
    first?.();
    let mine = 0;
    for (let b = claim(c, seq, blocks, false); b >= 0; b = claim(c, seq, blocks, false)) {
      own(b);
      mine++;
      Atomics.add(c, FINISHED, 1);
    }
    const t1 = tr ? tr.now() : 0;
    let done = Atomics.load(c, FINISHED);
    // Workers finish blocks one at a time: keep polling while the count moves.
    while (done < blocks) {
      const next = spinWhile(c, FINISHED, done, c[SPIN_US]);
      if (next === done) break;
      done = next;
    }
    while (done < blocks) {
      if (Atomics.wait(c, FINISHED, done, WAIT_MS) === 'timed-out') throw new InternalError('worker thread did not finish a job within 120 s');
      done = Atomics.load(c, FINISHED);
    }
    if (tr) tr.callerJob(args, mine, t0, t1, tr.now());
    const failure = failureOf(c);
    if (failure) throw failure;
  }

  /** Stop the workers. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.trace) process.stderr.write(this.trace.summary(this.workers.length));
    Atomics.store(this.ctrl, CMD, 1);
    Atomics.add(this.ctrl, SEQ, 1);
    Atomics.notify(this.ctrl, SEQ);
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** Worker side: report ready, then run `handler(args, block)` for claimed blocks until told to exit. */
export function serveSharedJobs(ctrl: Int32Array, post: (m: string) => void, handler: (args: Int32Array, block: number) => void): void {
  const args = new Int32Array(MAX_JOB_ARGS);
  let seen = Atomics.load(ctrl, SEQ);
  let exiting = false;
  // process.exit() inside a worker ends only the thread, but runs this first: the caller must not wait.
  process.once('exit', (code) => {
    if (!exiting) recordFailure(ctrl, 2, `process.exit(${code}) in a worker thread`);
  });
  const crash = crashHook();
  const me = Atomics.add(ctrl, WORKER_ID, 1);
  const tr = traceOf(ctrl);
  let handled = 0;
  const run = crash
    ? (a: Int32Array, b: number): void => {
        if (++handled === crash.after) {
          if (crash.kind === 'exit') process.exit(70);
          throw new Error(`${CRASH_ENV} (${crash.kind}:${crash.after})`);
        }
        handler(a, b);
      }
    : handler;
  post('ready');
  for (;;) {
    if (spinWhile(ctrl, SEQ, seen, ctrl[SPIN_US]) === seen) Atomics.wait(ctrl, SEQ, seen);
    seen = Atomics.load(ctrl, SEQ);
    if (Atomics.load(ctrl, CMD) === 1) {
      exiting = true;
      return;
    }
    // Copy the arguments first; a successful claim proves they still belong to job `seen`.
    for (let i = 0; i < MAX_JOB_ARGS; i++) args[i] = ctrl[ARGS + i];
    const blocks = Atomics.load(ctrl, NBLOCKS);
    const o = tr ? tr.workerSeen(args, me) : -1;
    let ts = tr ? tr.now() : 0;
    for (let b = claim(ctrl, seen, blocks, true); b >= 0; b = claim(ctrl, seen, blocks, true)) {
      try {
        run(args, b);
        if (tr) ts = tr.workerBlock(o, ts);
      } catch (err) {
        recordFailure(ctrl, 1, errorText(err));
        exiting = true;
        return;
      }
      Atomics.add(ctrl, FINISHED, 1);
      Atomics.notify(ctrl, FINISHED);
    }
  }
}

function crashHook(): { kind: 'throw' | 'exit'; after: number } | undefined {
  const m = /^(throw|exit):([1-9][0-9]*)$/.exec(process.env[CRASH_ENV] ?? '');
  return m ? { kind: m[1] as 'throw' | 'exit', after: Number(m[2]) } : undefined;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Message that hands a launched worker its job data (see `launchSharedJobPool`). */
interface JobDataMessage {
  readonly kilnJobData: unknown;
}

function isJobData(m: unknown): m is JobDataMessage {
  return typeof m === 'object' && m !== null && 'kilnJobData' in m;
}

/**
 * Worker side of a launched pool (`launchSharedJobPool`): calls `serve(data, ctrl)` with the data the
 * caller sends through `SharedJobPoolLauncher.start`; `serve` runs `serveSharedJobs` on `ctrl`.
 */
export function receiveJobData<T>(serve: (data: T, ctrl: Int32Array) => void): void {
  const wd = workerData as { ctrl?: Int32Array } | undefined;
  const port = parentPort;
  if (!wd?.ctrl || !port) return;
  const ctrl = wd.ctrl;
  const onMessage = (m: unknown): void => {
    if (!isJobData(m)) return;
    port.off('message', onMessage);
    serve(m.kilnJobData as T, ctrl);
  };
  port.on('message', onMessage);
}

/**
 * Workers spawned before their data exists: they load their modules (hundreds of milliseconds under
 * a TypeScript loader, tens from compiled JavaScript) while the caller prepares the data (GBDT: while
 * it bins the features), then `start` hands the data over by message (SharedArrayBuffers stay shared).
 */
export class SharedJobPoolLauncher {
  private readonly ctrl: Int32Array;
  private readonly workers: readonly Worker[];
  private bootError: InternalError | undefined;
  private started = false;

  constructor(ctrl: Int32Array, workers: readonly Worker[]) {
    this.ctrl = ctrl;
    this.workers = workers;
    for (const w of workers) {
      // Until `start`, an error event would otherwise be unhandled and end the process.
      const onErr = (e: unknown): void => {
        this.bootError ??= new InternalError(`worker thread failed to start: ${errorText(e)}`, {}, { cause: e });
      };
      w.on('error', onErr);
      w.on('exit', (code: number) => {
        if (!this.started) this.bootError ??= new InternalError(`worker thread exited (code ${code}) before it was ready`);
      });
    }
  }

  /** Send every worker `data` and wait until they are ready; a worker that failed closes the pool. */
  async start(data: unknown): Promise<SharedJobPool> {
    if (this.started) throw new InternalError('a launched worker pool can be started once');
    this.started = true;
    const pool = new SharedJobPool(this.ctrl, this.workers);
    try {
      if (this.bootError) throw this.bootError;
      const ready = pool.ready();
      for (const w of this.workers) w.postMessage({ kilnJobData: data } satisfies JobDataMessage);
      await ready;
    } catch (err) {
      await pool.close();
      throw err;
    }
    return pool;
  }

  /** Stop the workers without starting them (the caller failed before `start`). */
  async close(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await new SharedJobPool(this.ctrl, this.workers).close();
  }
}

/** Spawn `threads - 1` workers of `moduleUrl` (which must call `receiveJobData`) now; hand them data later. */
export function launchSharedJobPool(moduleUrl: URL, threads: number): SharedJobPoolLauncher {
  const ctrl = createControlBlock();
  ctrl[SPIN_US] = chooseSpinUs(threads);
  const workers = [];
  for (let w = 1; w < threads; w++) {
    const worker = spawnWorker(moduleUrl, { ctrl });
    worker.unref();
    workers.push(worker);
  }
  return new SharedJobPoolLauncher(ctrl, workers);
}

/**
 * Start `threads - 1` workers of `moduleUrl` (the calling thread is the last one) on a new control block,
 * each given `workerData(ctrl)`, and wait until they are ready; a worker that fails to start closes the pool.
 */
export async function startSharedJobPool(moduleUrl: URL, threads: number, workerData: (ctrl: Int32Array) => unknown): Promise<SharedJobPool> {
  const ctrl = createControlBlock();
  ctrl[SPIN_US] = chooseSpinUs(threads);
  const workers = [];
  for (let w = 1; w < threads; w++) {
    const worker = spawnWorker(moduleUrl, workerData(ctrl));
    // Idle workers must not keep the process alive.
    worker.unref();
    workers.push(worker);
  }
  const pool = new SharedJobPool(ctrl, workers);
  try {
    await pool.ready();
  } catch (err) {
    await pool.close();
    throw err;
  }
  return pool;
}
