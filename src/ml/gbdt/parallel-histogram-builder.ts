/**
 * Histogram builders: serial, and feature-parallel over worker threads sharing the leaf-ordered bins
 * and gradients and the histogram pool through SharedArrayBuffers. Features are split into a few contiguous
 * blocks (balanced by bin count, multiples of 4 features for the unrolled kernel) that threads claim
 * dynamically; a block is always summed by one thread in row order, so the histograms (and the model)
 * are bit-identical for any number of threads. Blocks are few because each one re-reads the leaf's
 * rows and gradients.
 */
import { MAX_JOB_BLOCKS, SharedJobPool, createControlBlock } from '../parallel/shared-job-pool.js';
import { spawnWorker } from '../parallel/spawn-worker.js';
import { buildHistogramSlice } from './histogram-kernel.js';
import type { HistogramInputs } from './histogram-kernel.js';
import type { HistogramWorkerData } from './histogram-worker.js';
import type { HistogramBuilder } from './tree-grower.js';

/**
 * Below this many row-features (~0.5 ms of work) a job runs on the calling thread alone: waking a
 * worker costs tens of microseconds on a quiet machine and far more on a busy one.
 */
export const PARALLEL_MIN_WORK = 262_144;

/** Builds every feature on the calling thread. */
export class SerialHistogramBuilder implements HistogramBuilder {
  private readonly inp: HistogramInputs;
  constructor(inp: HistogramInputs) {
    this.inp = inp;
  }
  build(start: number, end: number, slot: number): void {
    buildHistogramSlice(this.inp, start, end, slot, 0, this.inp.features);
  }
}

/** Split features [0, F) into at most `parts` contiguous blocks with about equal histogram slots. */
export function featureSlices(offsets2: Int32Array, histSize: number, parts: number): Int32Array {
  const F = offsets2.length;
  const bounds: number[] = [0];
  let f = 0;
  for (let p = 1; p < parts; p++) {
    const target = (histSize * p) / parts;
    while (f < F && offsets2[f] < target) f++;
    // Multiples of 4 keep the kernel in its unrolled loop.
    const aligned = F > 8 ? Math.round(f / 4) * 4 : f;
    if (aligned > bounds[bounds.length - 1] && aligned < F) bounds.push(aligned);
  }
  bounds.push(F);
  return Int32Array.from(bounds);
}

/** Feature-parallel builder; call `close()` when training ends. */
export class ParallelHistogramBuilder implements HistogramBuilder {
  private readonly inp: HistogramInputs;
  private readonly pool: SharedJobPool;
  private readonly bounds: Int32Array;
  private readonly args = [0, 0, 0];
  private start = 0;
  private end = 0;
  private slot = 0;
  private readonly own = (b: number): void => buildHistogramSlice(this.inp, this.start, this.end, this.slot, this.bounds[b], this.bounds[b + 1]);

  private constructor(inp: HistogramInputs, pool: SharedJobPool, bounds: Int32Array) {
    this.inp = inp;
    this.pool = pool;
    this.bounds = bounds;
  }

  /** Start `threads - 1` workers (the caller is the last participant) and wait until they are ready. */
  static async start(inp: HistogramInputs, threads: number): Promise<ParallelHistogramBuilder> {
    const bounds = featureSlices(inp.offsets2, inp.histSize, Math.min(2 * threads, MAX_JOB_BLOCKS));
    const ctrl = createControlBlock();
    const url = new URL('./histogram-worker.js', import.meta.url);
    const workers = [];
    for (let w = 1; w < threads; w++) {
      const data: HistogramWorkerData = { inputs: inp, ctrl, blockBounds: bounds };
      const worker = spawnWorker(url, data);
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
    return new ParallelHistogramBuilder(inp, pool, bounds);
  }

  build(start: number, end: number, slot: number): void {
    const inp = this.inp;
    if ((end - start) * inp.features < PARALLEL_MIN_WORK || this.bounds.length < 3) {
      buildHistogramSlice(inp, start, end, slot, 0, inp.features);
      return;
    }
    const a = this.args;
    a[0] = this.start = start;
    a[1] = this.end = end;
    a[2] = this.slot = slot;
    this.pool.run(a, this.bounds.length - 1, this.own);
  }

  /** Stop the workers. */
  close(): Promise<void> {
    return this.pool.close();
  }
}
