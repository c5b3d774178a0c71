/**
 * Histogram builders: serial, and feature-parallel over worker threads sharing the bins, gradients,
 * row indices and histogram pool through SharedArrayBuffers. Features are split into contiguous slices
 * balanced by bin count; each feature is always summed by one thread in row order, so the histograms
 * (and the model) are bit-identical for any number of threads.
 */
import { SharedJobPool, createControlBlock } from '../parallel/shared-job-pool.js';
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

/** Split features [0, F) into `parts` contiguous slices with about equal histogram slots. */
export function featureSlices(offsets2: Int32Array, histSize: number, parts: number): Int32Array {
  const F = offsets2.length;
  const bounds = new Int32Array(parts + 1);
  bounds[parts] = F;
  let f = 0;
  for (let p = 1; p < parts; p++) {
    const target = (histSize * p) / parts;
    while (f < F && offsets2[f] < target) f++;
    bounds[p] = Math.max(f, bounds[p - 1]);
  }
  return bounds;
}

/** Feature-parallel builder; call `close()` when training ends. */
export class ParallelHistogramBuilder implements HistogramBuilder {
  private readonly inp: HistogramInputs;
  private readonly pool: SharedJobPool;
  private readonly ownF1: number;
  private readonly args = [0, 0, 0];

  private constructor(inp: HistogramInputs, pool: SharedJobPool, ownF1: number) {
    this.inp = inp;
    this.pool = pool;
    this.ownF1 = ownF1;
  }

  /** Start `threads - 1` workers (the caller is the last participant) and wait until they are ready. */
  static async start(inp: HistogramInputs, threads: number): Promise<ParallelHistogramBuilder> {
    const bounds = featureSlices(inp.offsets2, inp.histSize, threads);
    const ctrl = createControlBlock();
    const url = new URL('./histogram-worker.js', import.meta.url);
    const workers = [];
    for (let w = 1; w < threads; w++) {
      const data: HistogramWorkerData = { inputs: inp, ctrl, f0: bounds[w], f1: bounds[w + 1] };
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
    return new ParallelHistogramBuilder(inp, pool, bounds[1]);
  }

  build(start: number, end: number, slot: number): void {
    const inp = this.inp;
    if ((end - start) * inp.features < PARALLEL_MIN_WORK) {
      buildHistogramSlice(inp, start, end, slot, 0, inp.features);
      return;
    }
    const a = this.args;
    a[0] = start;
    a[1] = end;
    a[2] = slot;
    this.pool.run(a, () => buildHistogramSlice(inp, start, end, slot, 0, this.ownF1));
  }

  /** Stop the workers. */
  close(): Promise<void> {
    return this.pool.close();
  }
}
