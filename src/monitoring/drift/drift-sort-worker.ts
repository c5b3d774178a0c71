/**
 * Worker-thread entry of the drift report's column sorter: a batch is two jobs on the shared slot buffers,
 * one sorting a side per block (once the calling thread has marked it gathered), then one measuring a
 * slot's sorted sides per block (numeric-pair-stats.ts), the calling thread taking whichever blocks the
 * worker does not claim. Launched before its data exists, it gets the buffers by message.
 */
import { parentPort } from 'node:worker_threads';
import { bucketSortFloat64, Float64SortScratch } from '../../core/stats/bucket-sort.js';
import { receiveJobData, serveSharedJobs } from '../../ml/parallel/shared-job-pool.js';
import { measureSortedPair, PAIR_STATS, SORT_PHASE } from './numeric-pair-stats.js';
import type { WassersteinMode } from './numeric-pair-stats.js';

/** What the sorter hands its worker once its buffers exist (the worker is launched before). */
export interface DriftSortWorkerData {
  readonly reference: readonly Float64Array[];
  readonly current: readonly Float64Array[];
  readonly stats: Float64Array;
  /** Per side: the batch number once gathered, then (from 2 * SLOTS) its count (column-pair-sorter.ts). */
  readonly sides: Int32Array;
}

/** The longest wait for the module loader's pending cache writes before serving jobs. */
const FLUSH_MS = 50;

receiveJobData<DriftSortWorkerData>((wd, ctrl) => {
  const port = parentPort;
  if (!port) return;
  const { reference, current, stats, sides } = wd;
  const slots = reference.length;
  const side = (b: number): Float64Array => (b & 1 ? current[b >> 1] : reference[b >> 1]).subarray(0, sides[2 * slots + b]);
  const scratch = new Float64SortScratch();
  // First-touch page faults cost ~25 ms of CPU per 8 MB here (docs/benchmarks.md): take them for the slots
  // above 0 and this thread's sort scratch now, while the calling thread works alone in slot 0 (it writes
  // the other slots only once this worker has reported ready).
  for (let k = 1; k < reference.length; k++) {
    reference[k].fill(0);
    current[k].fill(0);
  }
  scratch.workFor(Math.max(reference[0].length, current[0].length)).fill(0);
  // args: [0] phase, [1] batch number, [2] columns, [3 + k] slot k's Wasserstein mode.
  const serve = (): void =>
    serveSharedJobs(ctrl, (m) => port.postMessage(m), (args, b) => {
      if (args[0] === SORT_PHASE) {
        const s = 2 * args[2] - 1 - b;
        // The calling thread may still be gathering this side.
        for (let mark = Atomics.load(sides, s); mark !== args[1]; mark = Atomics.load(sides, s)) Atomics.wait(sides, s, mark);
        bucketSortFloat64(side(s), scratch);
      } else {
        measureSortedPair(side(2 * b), side(2 * b + 1), args[3 + b] as WassersteinMode, stats, PAIR_STATS * b);
      }
    });
  // serveSharedJobs never returns to the event loop. Under a TypeScript loader (tsx: the bench, tests, a
  // dev checkout), the modules just compiled are being written to the loader's cache by asynchronous file
  // writes that need the loop to finish; serving at once dropped them, so every worker start compiled its
  // modules again (~130 ms of a ~215 ms start's CPU, measured). Waiting for this data usually lets them
  // finish; if it came first, wait for them here (at most FLUSH_MS; from compiled JavaScript there are none).
  const since = performance.now();
  const fileWritesPending = (): boolean => process.getActiveResourcesInfo().some((r) => r.startsWith('FSReq'));
  const serveOnceFlushed = (): void => {
    if (fileWritesPending() && performance.now() - since < FLUSH_MS) setTimeout(serveOnceFlushed, 1);
    else serve();
  };
  serveOnceFlushed();
});
