/**
 * The drift report's numeric columns, gathered and sorted one pair (reference, current) at a time in
 * buffers reused by every column. With two threads the buffers live in shared memory and a worker sorts
 * one side while the calling thread sorts the other (the sorts are exact, so which thread sorts a side
 * never changes a value). The worker costs a start (module loading: ~50 ms from dist/, a few hundred ms
 * of CPU under tsx), so small reports sort on the calling thread only, and a large one does not wait for
 * it: columns sort on the calling thread until the worker reports ready (`yieldToPool` between columns
 * lets that message in). A worker that fails to start leaves the calling thread sorting alone.
 */
import { bucketSortFloat64, Float64SortScratch } from '../../core/stats/bucket-sort.js';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { startSharedJobPool } from '../../ml/parallel/shared-job-pool.js';
import type { SharedJobPool } from '../../ml/parallel/shared-job-pool.js';
import type { DriftSortWorkerData } from './drift-sort-worker.js';

/** Numeric values (both sides, every column) from which a second thread pays for its start. */
export const PARALLEL_SORT_MIN_VALUES = 4_000_000;

/** Gather buffers for both sides and the sorting of their prefixes. */
export class ColumnPairSorter {
  private readonly scratch = new Float64SortScratch();
  private pool: SharedJobPool | null = null;
  private starting: Promise<void> | null = null;
  private closed = false;

  private constructor(
    /** Reference values of the column being tested (a prefix of it). */
    readonly reference: Float64Array,
    /** Current values of the column being tested. */
    readonly current: Float64Array,
  ) {}

  /** Buffers of `referenceSize` and `currentSize` values; `threads` 2 starts one worker in the background. */
  static open(referenceSize: number, currentSize: number, threads: number): ColumnPairSorter {
    if (threads < 2) return new ColumnPairSorter(new Float64Array(referenceSize), new Float64Array(currentSize));
    const reference = new Float64Array(new SharedArrayBuffer(8 * Math.max(referenceSize, 1)));
    const current = new Float64Array(new SharedArrayBuffer(8 * Math.max(currentSize, 1)));
    const sorter = new ColumnPairSorter(reference, current);
    sorter.starting = startSharedJobPool(new URL('./drift-sort-worker.js', import.meta.url), 2, (ctrl): DriftSortWorkerData => ({ ctrl, reference, current })).then(
      async (pool) => {
        if (sorter.closed) await pool.close();
        else sorter.pool = pool;
      },
      // No worker (a sandbox without threads, a failed start): the calling thread sorts everything.
      () => {
        sorter.starting = null;
      },
    );
    return sorter;
  }

  /** Resolves once the worker start has ended: true when a worker sorts with the calling thread. */
  async whenStarted(): Promise<boolean> {
    await this.starting;
    return this.pool !== null;
  }

  /** Between columns while the worker is starting: let its ready message in. */
  async yieldToPool(): Promise<void> {
    if (this.starting && !this.pool) await nextTurn();
  }

  /** Sort the first `referenceCount` reference and `currentCount` current values in place (either may be 0: not sorted). */
  sortPair(referenceCount: number, currentCount: number): void {
    const pool = this.pool;
    if (!pool || referenceCount === 0 || currentCount === 0) {
      if (referenceCount > 0) bucketSortFloat64(this.reference.subarray(0, referenceCount), this.scratch);
      if (currentCount > 0) bucketSortFloat64(this.current.subarray(0, currentCount), this.scratch);
      return;
    }
    pool.run([referenceCount, currentCount], 2, (b) => {
      bucketSortFloat64(b === 0 ? this.reference.subarray(0, referenceCount) : this.current.subarray(0, currentCount), this.scratch);
    });
  }

  /** Stop the worker, if any (one still starting is waited for, so no thread outlives the report). */
  async close(): Promise<void> {
    this.closed = true;
    await this.starting;
    await this.pool?.close();
    this.pool = null;
  }
}
