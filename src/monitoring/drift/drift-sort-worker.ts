/**
 * Worker-thread entry of the drift report's column sorter: each job sorts the two shared gather buffers'
 * prefixes (args: [0] reference values, [1] current values; block 0 the reference, block 1 the current),
 * the calling thread taking whichever block the worker does not claim.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { bucketSortFloat64, Float64SortScratch } from '../../core/stats/bucket-sort.js';
import { serveSharedJobs } from '../../ml/parallel/shared-job-pool.js';

/** What the sorter hands its worker. */
export interface DriftSortWorkerData {
  readonly ctrl: Int32Array;
  readonly reference: Float64Array;
  readonly current: Float64Array;
}

const wd = workerData as DriftSortWorkerData | undefined;
if (wd && parentPort) {
  const port = parentPort;
  const { ctrl, reference, current } = wd;
  const scratch = new Float64SortScratch();
  serveSharedJobs(ctrl, (m) => port.postMessage(m), (args, b) => {
    bucketSortFloat64((b === 0 ? reference : current).subarray(0, args[b]), scratch);
  });
}
