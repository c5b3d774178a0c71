/**
 * The drift report's numeric columns, gathered one pair (reference, current) per slot into buffers reused
 * by every column, then sorted and measured (`measureNumericPair`) a batch of up to SLOTS columns at a time.
 * With two threads the buffers live in shared memory and a worker takes whole columns of a batch (sort,
 * distinct counts, Wasserstein merge) while the calling thread takes the others: splitting only the sorts
 * left the merge and the counting passes (~45% of a one-thread report) on the calling thread. The work is
 * exact, so which thread takes a column never changes a value. The worker costs a start (module loading:
 * ~50 ms from dist/, ~100 ms of CPU under tsx), so small reports stay on the calling thread, and a large
 * one does not wait for it: it is launched (`launchSortWorker`) as soon as the report has read enough
 * numbers to want it, loads its modules while the rest is read, gets its buffers when the sorter opens,
 * and batches run on the calling thread until it reports ready (`yieldToPool` between batches lets that
 * message in). A worker that fails to start leaves the calling thread alone.
 */
import { bucketSortFloat64, Float64SortScratch } from '../../core/stats/bucket-sort.js';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { launchSharedJobPool } from '../../ml/parallel/shared-job-pool.js';
import type { SharedJobPool, SharedJobPoolLauncher } from '../../ml/parallel/shared-job-pool.js';
import type { DriftSortWorkerData } from './drift-sort-worker.js';
import { measureSortedPair, PAIR_STATS, SORT_PHASE, STATS_PHASE } from './numeric-pair-stats.js';
import type { WassersteinMode } from './numeric-pair-stats.js';

/** Numeric values (both sides, every column) from which a second thread pays for its start. */
export const PARALLEL_SORT_MIN_VALUES = 4_000_000;

/** Columns per batch: one per thread. */
export const SLOTS = 2;

/** One column of a batch: whether to measure the distance. */
export interface PairJob {
  readonly wasserstein: WassersteinMode;
}

/**
 * Fill one side of slot k (`side` 0 the reference, 1 the current) with a column's values and return how
 * many it wrote (at least 1).
 */
export type GatherSide = (k: number, side: 0 | 1) => number;

/** Spawn the sorting worker now (it loads its modules meanwhile); hand it to `ColumnPairSorter.open`, or close it. */
export function launchSortWorker(): SharedJobPoolLauncher {
  return launchSharedJobPool(new URL('./drift-sort-worker.js', import.meta.url), 2);
}

/** Gather buffers for both sides of SLOTS columns, and the sorting and measuring of their prefixes. */
export class ColumnPairSorter {
  private readonly scratch = new Float64SortScratch();
  private pool: SharedJobPool | null = null;
  private starting: Promise<void> | null = null;
  private closed = false;
  /** Number of the last batch measured with the worker (marks its gathered sides). */
  private batch = 0;

  private constructor(
    /** Reference values of each slot's column (a prefix of it). */
    readonly reference: readonly Float64Array[],
    /** Current values of each slot's column. */
    readonly current: readonly Float64Array[],
    /** PAIR_STATS numbers per slot, written by `measure` (see numeric-pair-stats.ts). */
    readonly stats: Float64Array,
    /** Per side 2k + s of the batch: the batch number once gathered ([0, 2 * SLOTS)), then its count. */
    private readonly sides: Int32Array,
  ) {}

  /** Values of slot k's reference side after `measure`. */
  referenceCount(k: number): number {
    return this.sides[2 * SLOTS + 2 * k];
  }

  /** Values of slot k's current side after `measure`. */
  currentCount(k: number): number {
    return this.sides[2 * SLOTS + 2 * k + 1];
  }

  /**
   * Buffers of `referenceSize` and `currentSize` values per slot; `threads` 2 starts one worker in the
   * background (`launched`, from `launchSortWorker`, if given; with `threads` 1 it is closed).
   */
  static open(referenceSize: number, currentSize: number, threads: number, launched?: SharedJobPoolLauncher | null): ColumnPairSorter {
    const make = (n: number): Float64Array => (threads < 2 ? new Float64Array(n) : new Float64Array(new SharedArrayBuffer(8 * Math.max(n, 1))));
    const reference = Array.from({ length: SLOTS }, () => make(referenceSize));
    const current = Array.from({ length: SLOTS }, () => make(currentSize));
    const stats = make(SLOTS * PAIR_STATS);
    const sides = threads < 2 ? new Int32Array(4 * SLOTS) : new Int32Array(new SharedArrayBuffer(16 * SLOTS));
    const sorter = new ColumnPairSorter(reference, current, stats, sides);
    if (threads < 2) {
      void launched?.close();
      return sorter;
    }
    const data: DriftSortWorkerData = { reference, current, stats, sides };
    sorter.starting = (launched ?? launchSortWorker()).start(data).then(
      async (pool) => {
        if (sorter.closed) await pool.close();
        else sorter.pool = pool;
      },
      // No worker (a sandbox without threads, a failed start): the calling thread does everything.
      () => {
        sorter.starting = null;
      },
    );
    return sorter;
  }

  /** Resolves once the worker start has ended: true when a worker shares the batches. */
  async whenStarted(): Promise<boolean> {
    await this.starting;
    return this.pool !== null;
  }

  /**
   * Whether a worker shares the batches now. Until it does, the caller fills slot 0 only (a batch of one
   * column does not wait for a second): the starting worker touches the other slots' pages meanwhile.
   */
  get sharing(): boolean {
    return this.pool !== null;
  }

  /** Between batches while the worker is starting: let its ready message in. */
  async yieldToPool(): Promise<void> {
    if (this.starting && !this.pool) await nextTurn();
  }

  /**
   * Gather (`gather`), sort and measure both sides of slot k for each `jobs[k]`; the results are in
   * `stats` from PAIR_STATS * k, the counts in `referenceCount(k)` and `currentCount(k)`.
   */
  measure(jobs: readonly PairJob[], gather: GatherSide): void {
    const sides = this.sides;
    const count = (b: number): number => sides[2 * SLOTS + b];
    const side = (b: number): Float64Array => (b & 1 ? this.current[b >> 1] : this.reference[b >> 1]).subarray(0, count(b));
    const stats = (k: number): void => measureSortedPair(side(2 * k), side(2 * k + 1), jobs[k].wasserstein, this.stats, PAIR_STATS * k);
    const pool = this.pool;
    const nSides = 2 * jobs.length;
    if (!pool || jobs.length < 2) {
      for (let b = 0; b < nSides; b++) {
        sides[2 * SLOTS + b] = gather(b >> 1, (b & 1) as 0 | 1);
        bucketSortFloat64(side(b), this.scratch);
      }
      for (let k = 0; k < jobs.length; k++) stats(k);
      return;
    }
    // The calling thread alone can read the columns' chunks, so the gathers overlap the sorts: side 0 is
    // gathered, then the sort job is published and the others are gathered while the worker sorts, each
    // marked with this batch's number once written (the worker waits for that mark). The worker claims
    // blocks from the back, so block b sorts side nSides - 1 - b: it takes the sides in gathering order.
    this.batch = this.batch === 0x3fffffff ? 1 : this.batch + 1;
    const batch = this.batch;
    const gathered = (b: number): void => {
      sides[2 * SLOTS + b] = gather(b >> 1, (b & 1) as 0 | 1);
      Atomics.store(sides, b, batch);
      Atomics.notify(sides, b);
    };
    gathered(0);
    const args = [SORT_PHASE, batch, jobs.length, ...jobs.map((j) => j.wasserstein)];
    pool.run(args, nSides, (b) => bucketSortFloat64(side(nSides - 1 - b), this.scratch), () => {
      for (let b = 1; b < nSides; b++) gathered(b);
    });
    args[0] = STATS_PHASE;
    pool.run(args, jobs.length, stats);
  }

  /** Stop the worker, if any (one still starting is waited for, so no thread outlives the report). */
  async close(): Promise<void> {
    this.closed = true;
    await this.starting;
    await this.pool?.close();
    this.pool = null;
  }
}
