/**
 * Histogram builders: serial, and parallel over worker threads sharing the leaf-ordered bins and
 * gradients and the histogram pool through SharedArrayBuffers. Large leaves are cut into fixed row
 * blocks (`row-block-histogram.ts`) whose partial histograms are added in block order, smaller ones
 * into a few contiguous feature blocks (balanced by bin count, multiples of 4 features for the
 * unrolled kernel); threads claim blocks dynamically. The grouping depends only on the leaf's size
 * (the serial builder uses the same row blocks), so the histograms (and the model) are bit-identical
 * for any number of threads. The same pool also runs partition chunks (`partition-kernel.ts`: a count
 * job, then a scatter job) and gradient passes (`shared-gradients.ts`).
 */
import { launchSharedJobPool, MAX_JOB_BLOCKS } from '../parallel/shared-job-pool.js';
import type { SharedJobPool, SharedJobPoolLauncher } from '../parallel/shared-job-pool.js';
import { buildHistogramSlice, subtractHistogram, subtractHistogramSlice } from './histogram-kernel.js';
import type { HistogramInputs } from './histogram-kernel.js';
import type { HistogramWorkerData } from './histogram-worker.js';
import { PARALLEL_PARTITION_MIN_ROWS } from './leaf-ordered-rows.js';
import type { PartitionRunner } from './leaf-ordered-rows.js';
import { countChunkLefts, GATHER_BLOCK_ROWS, gatherBlock, scatterChunk } from './partition-kernel.js';
import { buildRowBlock, createRowBlockPartials, reduceRowBlocks, reduceRowBlocksSlice, rowBlockCount, usesRowBlocks } from './row-block-histogram.js';
import type { PartitionBuffers } from './partition-kernel.js';
import type { HistogramBuilder } from './tree-grower.js';
import type { Objective } from './objectives/objective.js';
import { gradientBlockRange, gradientBlocks, PARALLEL_GRADIENT_MIN_ROWS } from './shared-gradients.js';
import type { SharedGradientData } from './shared-gradients.js';
import { PARALLEL_SCORE_UPDATE_MIN_ROWS, scoreUpdateBlocks, updateScoreBlock } from './shared-score-update.js';
import type { SharedScoreData } from './shared-score-update.js';
import { BlockSplitSearch, createSharedSplitData, mergeBlockSplits } from './shared-split-search.js';
import type { SharedSplitData } from './shared-split-search.js';
import type { SplitInfo } from './split-finder.js';
import type { BinLayout } from './bin-mapper.js';
import type { GbdtParams } from './gbdt-params.js';

/**
 * Below this many row-features (~0.5 ms of work) a job runs on the calling thread alone: waking a
 * worker costs tens of microseconds on a quiet machine and far more on a busy one.
 */
export const PARALLEL_MIN_WORK = 262_144;
/**
 * The same when the pool's workers poll between jobs (dispatch then costs a few µs, not a futex wake):
 * ~0.06 ms of work. Traced: with polling workers the mean delay from a job's publication to the
 * worker's first claim fell from 60-500 µs to 3-7 µs.
 */
export const POLLING_PARALLEL_MIN_WORK = 65_536;
/** Smallest split partitioned on the pool, and rows per chunk, when its workers poll. */
const POLLING_PARTITION_MIN_ROWS = 8_192;
const POLLING_PARTITION_CHUNK_ROWS = 4_096;

/** Builds every feature on the calling thread (large leaves in the same row blocks as the parallel builder). */
export class SerialHistogramBuilder implements HistogramBuilder {
  private readonly inp: HistogramInputs;
  private readonly partials: Float64Array;
  constructor(inp: HistogramInputs) {
    this.inp = inp;
    this.partials = createRowBlockPartials(inp.rowIndex.length, inp.histSize, inp.partials);
  }
  build(start: number, end: number, slot: number, subtractFrom = -1, first?: () => void): void {
    first?.();
    if (!usesRowBlocks(end - start)) buildHistogramSlice(this.inp, start, end, slot, 0, this.inp.features);
    else {
      const blocks = rowBlockCount(end - start);
      for (let b = 0; b < blocks; b++) buildRowBlock(this.inp, this.partials, start, end, slot, b);
      reduceRowBlocks(this.inp, this.partials, slot, blocks);
    }
    if (subtractFrom >= 0) subtractHistogram(this.inp.hist, this.inp.histSize, subtractFrom, slot);
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

/**
 * Row- and feature-parallel builder that also runs partition chunks on its threads (when given partition
 * buffers); call `close()` when training ends.
 */
export class ParallelHistogramBuilder implements HistogramBuilder, PartitionRunner {
  private readonly inp: HistogramInputs;
  private readonly pool: SharedJobPool;
  private readonly bounds: Int32Array;
  private readonly threads: number;
  private readonly pb: PartitionBuffers | undefined;
  private readonly partials: Float64Array;
  private readonly args = [0, 0, 0, 0, 0];
  private start = 0;
  private end = 0;
  private slot = 0;
  private moveData = false;
  /** Slot that feature-block jobs subtract their block from after building it (-1: none). */
  private subtractFrom = -1;
  /** Whether the current feature-block job also searches both children's splits over each block. */
  private searching = false;
  private readonly ownReduce = (b: number): void => {
    const f0 = this.bounds[b];
    const f1 = this.bounds[b + 1];
    reduceRowBlocksSlice(this.inp, this.partials, this.args[1], this.args[2], f0, f1);
    if (this.subtractFrom >= 0) subtractHistogramSlice(this.inp, this.subtractFrom, this.args[1], f0, f1);
    if (this.searching) this.searcher?.search(this.inp.hist, this.inp.histSize, b, f0, f1);
  };
  private readonly own = (b: number): void => {
    buildHistogramSlice(this.inp, this.start, this.end, this.slot, this.bounds[b], this.bounds[b + 1]);
    if (this.subtractFrom >= 0) subtractHistogramSlice(this.inp, this.subtractFrom, this.slot, this.bounds[b], this.bounds[b + 1]);
    if (this.searching) this.searcher?.search(this.inp.hist, this.inp.histSize, b, this.bounds[b], this.bounds[b + 1]);
  };
  private firstBlock = 0;
  private readonly ownRows = (b: number): void => buildRowBlock(this.inp, this.partials, this.start, this.end, this.slot, this.firstBlock + b);
  private readonly ownCount = (c: number): void => {
    if (this.pb) countChunkLefts(this.inp, this.pb, this.start, this.end, this.slot, c);
  };
  private readonly ownGather = (b: number): void => {
    if (this.pb?.rowWords) gatherBlock(this.inp, this.pb.rowWords, this.end, this.moveData, b);
  };
  private readonly ownScatter = (c: number): void => {
    if (this.pb) scatterChunk(this.inp, this.pb, this.start, this.end, this.slot, c, this.moveData);
  };

  private gradK = 0;
  private readonly grad: { data: SharedGradientData; objective: Objective } | undefined;
  private readonly gradRange = new Int32Array(2);
  private readonly ownGradients = (b: number): void => {
    const g = this.grad;
    if (!g?.objective.gradientRange) return;
    gradientBlockRange(g.data.y.length, b, this.gradRange);
    g.objective.gradientRange(g.data.scores, this.gradK, g.data.out, this.gradRange[0], this.gradRange[1]);
  };

  private readonly scoreData: SharedScoreData | undefined;
  private readonly ownScores = (b: number): void => {
    const a = this.args;
    if (this.scoreData) updateScoreBlock(this.scoreData, a[1], a[2], b);
  };

  private readonly search: SharedSplitData | undefined;
  private readonly searcher: BlockSplitSearch | undefined;

  private constructor(inp: HistogramInputs, pool: SharedJobPool, bounds: Int32Array, threads: number, pb: PartitionBuffers | undefined, partials: Float64Array, grad: { data: SharedGradientData; objective: Objective } | undefined, scoreData: SharedScoreData | undefined, search: SharedSplitData | undefined) {
    this.search = search;
    this.searcher = search ? new BlockSplitSearch(search) : undefined;
    this.grad = grad;
    this.scoreData = scoreData;
    this.inp = inp;
    this.partials = partials;
    this.pool = pool;
    this.bounds = bounds;
    this.threads = threads;
    this.pb = pb;
  }

  /**
   * Spawn the `threads - 1` workers (the caller is the last participant) before the data exists, so
   * that they load while the caller bins the features; `start` them with the data, or `close` them.
   */
  static launch(threads: number): SharedJobPoolLauncher {
    return launchSharedJobPool(new URL('./histogram-worker.js', import.meta.url), threads);
  }

  /**
   * Hand the launched workers the data and wait until they are ready. With `partition` buffers the
   * workers can also run partition chunks; with `gradients` (a loss with `gradientRange`, the calling
   * thread's `objective`) gradient passes; with `scores` score updates.
   */
  static async start(launcher: SharedJobPoolLauncher, inp: HistogramInputs, threads: number, partition?: PartitionBuffers, gradients?: { data: SharedGradientData; objective: Objective }, scores?: SharedScoreData, splits?: { layout: BinLayout; params: GbdtParams }): Promise<ParallelHistogramBuilder> {
    // One feature block per thread: measured 5% less histogram time than two (the job also subtracts and searches).
    const bounds = featureSlices(inp.offsets2, inp.histSize, Math.min(threads, MAX_JOB_BLOCKS));
    const partials = createRowBlockPartials(inp.rowIndex.length, inp.histSize, inp.partials);
    const grad = gradients?.objective.gradientRange ? gradients : undefined;
    const search = splits ? createSharedSplitData(splits.layout, splits.params, bounds.length - 1) : undefined;
    const data: HistogramWorkerData = { inputs: inp, blockBounds: bounds, partition, partials, gradients: grad?.data, scoreUpdate: scores, splitSearch: search };
    const pool = await launcher.start(data);
    return new ParallelHistogramBuilder(inp, pool, bounds, threads, partition, partials, grad, scores, search);
  }

  /**
   * Fill the shared gradient output for output `k` from the shared scores on all threads; false (nothing
   * done) when this pool has no row-wise loss or the data is too small to share.
   */
  computeGradients(k: number): boolean {
    const g = this.grad;
    const rows = g ? g.data.y.length : 0;
    if (!g || rows < PARALLEL_GRADIENT_MIN_ROWS) return false;
    const a = this.args;
    a[0] = 4;
    a[1] = this.gradK = k;
    a[2] = a[3] = a[4] = 0;
    this.pool.run(a, gradientBlocks(rows), this.ownGradients);
    return true;
  }

  build(start: number, end: number, slot: number, subtractFrom = -1, first?: () => void): void {
    this.buildBlocks(start, end, slot, subtractFrom, false, first);
  }

  /**
   * `build(start, end, slot, subtractFrom)` that also finds the best split of the two children
   * (`children`: per child histogram slot, G, H, rows) on the threads that built (or reduced) each
   * feature block, into `out0` / `out1`; returns false when it only built (small leaves, quantized
   * gradients, row blocks without polling workers): then the caller searches.
   */
  buildAndSearch(start: number, end: number, slot: number, subtractFrom: number, children: Float64Array, featureMask: Uint8Array, out0: SplitInfo, out1: SplitInfo): boolean {
    const sd = this.search;
    if (!sd || this.inp.packed) {
      this.buildBlocks(start, end, slot, subtractFrom, false);
      return false;
    }
    sd.job.set(children);
    sd.featureMask.set(featureMask);
    if (!this.buildBlocks(start, end, slot, subtractFrom, true)) return false;
    const blocks = this.bounds.length - 1;
    mergeBlockSplits(sd, blocks, 0, out0);
    mergeBlockSplits(sd, blocks, 1, out1);
    return true;
  }

  /** Build (and subtract); with `search`, feature-block jobs also search the split state's children. Returns whether they did. */
  private buildBlocks(start: number, end: number, slot: number, subtractFrom: number, search: boolean, first?: () => void): boolean {
    const inp = this.inp;
    const a = this.args;
    a[1] = this.start = start;
    a[2] = this.end = end;
    a[3] = this.slot = slot;
    // Row blocks first, whatever the feature count: the grouping must match the serial builder's.
    if (usesRowBlocks(end - start)) {
      a[0] = 2;
      const blocks = rowBlockCount(end - start);
      // A job holds at most MAX_JOB_BLOCKS blocks; huge leaves take several jobs (a[4] = first block).
      for (let firstBlock = 0; firstBlock < blocks; firstBlock += MAX_JOB_BLOCKS) {
        a[4] = this.firstBlock = firstBlock;
        this.pool.run(a, Math.min(MAX_JOB_BLOCKS, blocks - firstBlock), this.ownRows, firstBlock === 0 ? first : undefined);
      }
      if (this.pool.polling && this.bounds.length >= 3) {
        // Reduce (in block order per slot), subtract and search by feature block on all threads.
        a[0] = 6;
        a[1] = slot;
        a[2] = blocks;
        a[4] = 0;
        this.runFeatureBlocks(subtractFrom, search);
        return search;
      }
      reduceRowBlocks(inp, this.partials, slot, blocks);
      if (subtractFrom >= 0) subtractHistogram(inp.hist, inp.histSize, subtractFrom, slot);
      return false;
    }
    // Two split searches cost about as much as a histogram of 2 x slots x ~5 row-features, whatever the
    // leaf's size: with polling workers a job that searches is always worth sharing.
    const shareSmall = search && this.pool.polling;
    if (((end - start) * inp.features < (this.pool.polling ? POLLING_PARALLEL_MIN_WORK : PARALLEL_MIN_WORK) && !shareSmall) || this.bounds.length < 3) {
      first?.();
      buildHistogramSlice(inp, start, end, slot, 0, inp.features);
      if (subtractFrom >= 0) subtractHistogram(inp.hist, inp.histSize, subtractFrom, slot);
      return false;
    }
    a[0] = 0;
    this.runFeatureBlocks(subtractFrom, search, first);
    return search;
  }

  /** Run a feature-block job (kind a[0]: 0 build, 6 reduce row-block partials) that subtracts and searches as asked. */
  private runFeatureBlocks(subtractFrom: number, search: boolean, first?: () => void): void {
    const a = this.args;
    // Workers read the slot to subtract from as a[3] - 1 for reduce jobs, a[4] - 1 for builds (0: none).
    if (a[0] === 6) a[3] = subtractFrom + 1;
    else a[4] = subtractFrom + 1;
    this.subtractFrom = subtractFrom;
    this.searching = search;
    const sd = this.search;
    if (sd && !search) sd.job[0] = sd.job[4] = -1;
    this.pool.run(a, this.bounds.length - 1, a[0] === 6 ? this.ownReduce : this.own, first);
  }

  /**
   * Add the leaf values of the shared score data to output `k` of rows [0, rows) on all threads (each
   * row's leaf recorded first, `recordLeafOfRows`); false (nothing done) without score data or when the
   * rows are too few to share.
   */
  updateScores(rows: number, k: number): boolean {
    if (!this.scoreData || rows < PARALLEL_SCORE_UPDATE_MIN_ROWS) return false;
    const a = this.args;
    a[0] = 5;
    a[1] = rows;
    a[2] = k;
    a[3] = a[4] = 0;
    this.pool.run(a, scoreUpdateBlocks(rows), this.ownScores);
    return true;
  }

  /**
   * Gather the tree's rows into ordered half 0 on all threads (caller the low positions, workers the high
   * ones, which they then keep reading); false when the workers sleep between jobs or the rows are few.
   */
  gatherRows(count: number, identity: boolean): boolean {
    if (!this.pb?.rowWords || !this.pool.polling || count < 2 * GATHER_BLOCK_ROWS) return false;
    const a = this.args;
    a[0] = 7;
    a[1] = this.end = count;
    a[2] = identity ? 1 : 0;
    a[3] = a[4] = 0;
    this.moveData = identity;
    this.pool.run(a, Math.ceil(count / GATHER_BLOCK_ROWS), this.ownGather);
    return true;
  }

  /**
   * Two chunks per thread, so a descheduled thread's chunk can be taken over by the others; small splits
   * stay on the calling thread (1 chunk), smaller ones still when the workers poll.
   */
  partitionChunkCount(count: number): number {
    if (!this.pb) return 1;
    const polling = this.pool.polling;
    if (count < (polling ? POLLING_PARTITION_MIN_ROWS : PARALLEL_PARTITION_MIN_ROWS)) return 1;
    return Math.min(2 * this.threads, Math.max(1, Math.floor(count / (polling ? POLLING_PARTITION_CHUNK_ROWS : 16_384))));
  }

  partitionChunks(start: number, count: number, chunks: number, moveData: boolean): void {
    // Fields reused for the calling thread's chunks: start, count (as `end`), chunks (as `slot`).
    const a = this.args;
    a[0] = 1;
    a[1] = this.start = start;
    a[2] = this.end = count;
    a[3] = this.slot = chunks;
    a[4] = moveData ? 1 : 0;
    this.moveData = moveData;
    this.pool.run(a, chunks, this.ownCount);
    a[0] = 3;
    this.pool.run(a, chunks, this.ownScatter);
  }

  /** Stop the workers. */
  close(): Promise<void> {
    return this.pool.close();
  }
}
