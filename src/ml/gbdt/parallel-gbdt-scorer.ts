/**
 * Multi-threaded batch scoring of GBDT models for the ml/serving side (the browser-safe runtime
 * predictor stays single-threaded). The input is copied once into a SharedArrayBuffer and cut into row
 * blocks that the calling thread and the workers claim (`SharedJobPool`); every thread runs the same
 * block kernel, so scores are bit-identical to `createGbdtPredictor(...).predictRaw` for any
 * thread count. Numeric-only models take the interleaved kernel (`interleaved-tree-kernel.ts`, eight
 * rows per walk, same bits as the runtime's; measured 2.7x the runtime kernel's throughput on one
 * thread). The shared buffers grow by restarting the pool (doubling), so a long-lived scorer
 * pays that at most a few times. Small batches are scored on the calling thread without copying.
 */
import { availableParallelism } from 'node:os';
import { InputError } from '../../core/errors.js';
import type { ModelState } from '../../runtime/bundle-types.js';
import type { FeatureMatrix } from '../../runtime/feature-matrix.js';
import { compactTrees, SCORE_BLOCK, scoreRows } from '../../runtime/gbdt/compact-trees.js';
import type { CompactTrees } from '../../runtime/gbdt/compact-trees.js';
import { decodeGbdtModelState } from '../../runtime/gbdt/gbdt-model-state.js';
import { MAX_JOB_BLOCKS, startSharedJobPool } from '../parallel/shared-job-pool.js';
import type { SharedJobPool } from '../parallel/shared-job-pool.js';
import type { GbdtScorerWorkerData } from './gbdt-scorer-worker.js';
import { interleavedTrees, scoreRowsInterleaved } from './interleaved-tree-kernel.js';
import type { InterleavedTrees } from './interleaved-tree-kernel.js';

/** Below this many rows a batch is scored on the calling thread (copy + wake-up would cost more). */
export const PARALLEL_SCORE_MIN_ROWS = 8192;
/** Smallest row block a thread claims; blocks are also capped at MAX_JOB_BLOCKS per job. */
const MIN_JOB_ROWS = 2048;

/** A GBDT scorer with worker threads; `close()` it when done. */
export interface ParallelGbdtScorer {
  readonly threads: number;
  /** Raw scores, row-major rows x outputs, identical to the runtime predictor's. */
  predictRaw(x: FeatureMatrix): Promise<Float64Array>;
  close(): Promise<void>;
}

/** Start a scorer for a `gbdt` model state on `threads` threads (default: the available cores). */
export async function createParallelGbdtScorer(state: ModelState, threads = availableParallelism()): Promise<ParallelGbdtScorer> {
  const trees = compactTrees(decodeGbdtModelState(state));
  return new Scorer(trees, Math.max(1, Math.floor(threads)));
}

class Scorer implements ParallelGbdtScorer {
  readonly threads: number;
  private readonly trees: CompactTrees;
  private readonly fast: InterleavedTrees | undefined;
  private readonly block: Float64Array;
  private pool: SharedJobPool | undefined;
  private capacity = 0;
  private input: Float64Array = new Float64Array(0);
  private output: Float64Array = new Float64Array(0);
  private closed = false;
  /** Calls run one at a time: they share the pool and its buffers. */
  private tail: Promise<unknown> = Promise.resolve();

  constructor(trees: CompactTrees, threads: number) {
    this.trees = trees;
    this.fast = interleavedTrees(trees);
    this.threads = threads;
    this.block = new Float64Array(SCORE_BLOCK * Math.max(trees.features, 1));
  }

  predictRaw(x: FeatureMatrix): Promise<Float64Array> {
    const next = this.tail.then(() => this.score(x));
    this.tail = next.catch(() => undefined);
    return next;
  }

  private async score(x: FeatureMatrix): Promise<Float64Array> {
    const t = this.trees;
    const F = t.features;
    const K = t.outputs;
    if (this.closed) throw new InputError('parallel gbdt scorer is closed');
    if (x.cols !== F) throw new InputError(`feature matrix has ${x.cols} columns; the model expects ${F}`);
    const n = x.rows;
    if (this.threads === 1 || n < PARALLEL_SCORE_MIN_ROWS) {
      const out = new Float64Array(n * K);
      this.rows(x.data, n, 0, n, out);
      return out;
    }
    if (n > this.capacity) await this.restart(Math.max(n, 2 * this.capacity));
    const pool = this.pool as SharedJobPool;
    this.input.set(x.data.subarray(0, n * F));
    const per = Math.max(MIN_JOB_ROWS, Math.ceil(n / MAX_JOB_BLOCKS), Math.ceil(n / (8 * this.threads)));
    const blocks = Math.ceil(n / per);
    const input = this.input;
    const output = this.output;
    pool.run([n, per], blocks, (b) => this.rows(input, n, b * per, Math.min(n, (b + 1) * per), output));
    return output.slice(0, n * K);
  }

  /** Score rows [r0, r1) of column-major `data` (n rows) on the calling thread. */
  private rows(data: Float64Array, n: number, r0: number, r1: number, out: Float64Array): void {
    if (this.fast) scoreRowsInterleaved(this.fast, data, n, r0, r1, out, this.block);
    else scoreRows(this.trees, data, n, r0, r1, out, this.block);
  }

  private async restart(capacity: number): Promise<void> {
    await this.pool?.close();
    this.pool = undefined;
    const F = Math.max(this.trees.features, 1);
    this.input = new Float64Array(new SharedArrayBuffer(8 * capacity * F));
    this.output = new Float64Array(new SharedArrayBuffer(8 * capacity * this.trees.outputs));
    const pool = await startSharedJobPool(new URL('./gbdt-scorer-worker.js', import.meta.url), this.threads, (ctrl): GbdtScorerWorkerData => ({ trees: this.trees, ctrl, input: this.input, output: this.output }));
    this.pool = pool;
    this.capacity = capacity;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.tail;
    await this.pool?.close();
    this.pool = undefined;
  }
}
