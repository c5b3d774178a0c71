/**
 * Worker-thread entry of the drift report's column sorter: block k of a job sorts and measures slot k's
 * shared buffers (args 3k, 3k + 1, 3k + 2: reference count, current count, Wasserstein mode), the calling
 * thread taking whichever blocks the worker does not claim.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Float64SortScratch } from '../../core/stats/bucket-sort.js';
import { serveSharedJobs } from '../../ml/parallel/shared-job-pool.js';
import { measureNumericPair, PAIR_STATS } from './numeric-pair-stats.js';
import type { WassersteinMode } from './numeric-pair-stats.js';

/** What the sorter hands its worker. */
export interface DriftSortWorkerData {
  readonly ctrl: Int32Array;
  readonly reference: readonly Float64Array[];
  readonly current: readonly Float64Array[];
  readonly stats: Float64Array;
}

const wd = workerData as DriftSortWorkerData | undefined;
if (wd && parentPort) {
  const port = parentPort;
  const { ctrl, reference, current, stats } = wd;
  const scratch = new Float64SortScratch();
  serveSharedJobs(ctrl, (m) => port.postMessage(m), (args, k) => {
    measureNumericPair(reference[k].subarray(0, args[3 * k]), current[k].subarray(0, args[3 * k + 1]), args[3 * k + 2] as WassersteinMode, scratch, stats, PAIR_STATS * k);
  });
}
