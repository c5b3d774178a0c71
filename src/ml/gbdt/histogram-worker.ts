/**
 * Worker-thread entry for feature-parallel histogram building: builds the feature blocks it claims
 * from each job published on the shared control block (see parallel-histogram-builder.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { serveSharedJobs } from '../parallel/shared-job-pool.js';
import { buildHistogramSlice } from './histogram-kernel.js';
import type { HistogramInputs } from './histogram-kernel.js';

/** What the pool hands each histogram worker. */
export interface HistogramWorkerData {
  readonly inputs: HistogramInputs;
  readonly ctrl: Int32Array;
  /** Feature block b covers features [blockBounds[b], blockBounds[b + 1]). */
  readonly blockBounds: Int32Array;
}

const wd = workerData as HistogramWorkerData | undefined;
if (wd && parentPort) {
  const port = parentPort;
  const { inputs, ctrl, blockBounds } = wd;
  serveSharedJobs(ctrl, (m) => port.postMessage(m), (args, b) => buildHistogramSlice(inputs, args[0], args[1], args[2], blockBounds[b], blockBounds[b + 1]));
}
