/**
 * The one attribution worker thread of this process (`capture-attribution-worker.ts`): started on the
 * first attributed flush, unref'd while idle so it never keeps a process alive (ref'd only while a job is
 * out, so a CLI or test awaiting a flush is not cut short), closed on capture shutdown and started afresh
 * by a later flush. A model is posted once per key and cached there; rows are posted as transferred
 * feature matrices. A worker that throws or exits fails the jobs it held (their rows are written without
 * attributions by the caller) and is replaced by the next job: it never takes the server down with it.
 */
import type { Worker } from 'node:worker_threads';
import type { TreeExplainParts } from '../../ml/explain/explain-rows.js';
import { spawnWorker } from '../../ml/parallel/spawn-worker.js';
import type { AttributionRequest, AttributionResponse, AttributionWorkerFault } from './capture-attribution-protocol.js';

/** One job's result: `rows x outputs x columns` attributions and the expected value per output. */
export interface WorkerAttributions {
  readonly values: Float64Array;
  readonly base: Float64Array;
}

interface Pending {
  resolve(r: WorkerAttributions): void;
  reject(err: Error): void;
}

class AttributionThread {
  private worker: Worker | null = null;
  /** Model keys the current worker holds. */
  private sent = new Set<number>();
  private readonly pending = new Map<number, Pending>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private nextId = 1;
  private fault: AttributionWorkerFault | null = null;

  /** TreeSHAP of `rows` rows of `data` (column-major model features; transferred, so the caller gives it up). */
  explain(key: number, parts: TreeExplainParts, data: Float64Array, rows: number): Promise<WorkerAttributions> {
    const worker = this.started();
    if (!this.sent.has(key)) {
      this.post(worker, { type: 'model', key, arrays: parts.arrays, sourceOf: parts.sourceOf, columns: parts.columns.length });
      this.sent.add(key);
    }
    const id = this.nextId++;
    const job = new Promise<WorkerAttributions>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    const fault = this.fault;
    this.post(worker, { type: 'explain', id, key, data, rows, ...(fault ? { fault } : {}) }, [data.buffer as ArrayBuffer]);
    worker.ref();
    const settled = job.then(
      () => undefined,
      () => undefined,
    );
    this.inFlight.add(settled);
    void settled.then(() => this.inFlight.delete(settled));
    return job;
  }

  /** Forget a model the process no longer holds. */
  drop(key: number): void {
    if (this.worker && this.sent.delete(key)) this.post(this.worker, { type: 'drop', key });
  }

  /** Let jobs out finish, then stop the worker (a later flush starts a new one). */
  async close(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
    const w = this.worker;
    this.forget();
    await w?.terminate();
  }

  /** Test hook: the worker commits `fault` on each job posted while it is set. */
  setFault(fault: AttributionWorkerFault | null): void {
    this.fault = fault;
  }

  private started(): Worker {
    if (this.worker) return this.worker;
    const w = spawnWorker(new URL('./capture-attribution-worker.js', import.meta.url), null);
    w.unref();
    w.on('message', (msg: AttributionResponse) => this.settle(msg));
    w.on('error', (err: Error) => this.fail(w, `the attribution worker failed: ${err.message}`));
    w.on('messageerror', (err: Error) => this.fail(w, `the attribution worker sent an unreadable message: ${err.message}`));
    w.on('exit', (code: number) => this.fail(w, `the attribution worker exited (code ${code})`));
    this.worker = w;
    return w;
  }

  private post(w: Worker, msg: AttributionRequest, transfer?: ArrayBuffer[]): void {
    w.postMessage(msg, transfer);
  }

  private settle(msg: AttributionResponse): void {
    const p = this.pending.get(msg.id);
    if (!p) return;
    this.pending.delete(msg.id);
    if ('error' in msg) p.reject(new Error(msg.error));
    else p.resolve({ values: msg.values, base: msg.base });
    if (this.pending.size === 0) this.worker?.unref();
  }

  /** The worker `w` is gone: fail what it held; the next job starts another. */
  private fail(w: Worker, reason: string): void {
    if (w !== this.worker) return;
    this.forget();
    const held = [...this.pending.values()];
    this.pending.clear();
    for (const p of held) p.reject(new Error(reason));
    void w.terminate().catch(() => undefined);
  }

  private forget(): void {
    this.worker = null;
    this.sent = new Set();
  }
}

/** This process's attribution thread (module-level: one worker however many capture buffers there are). */
export const attributionThread = new AttributionThread();
