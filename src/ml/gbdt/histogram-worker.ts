/**
 * Worker-thread entry for feature-parallel histogram building: builds its fixed slice of features for
 * every job published on the shared control block (see parallel-histogram-builder.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { serveSharedJobs } from '../parallel/shared-job-pool.js';
import { buildHistogramSlice } from './histogram-kernel.js';
import type { HistogramInputs } from './histogram-kernel.js';

/** What the pool hands each histogram worker. */
export interface HistogramWorkerData {
  readonly inputs: HistogramInputs;
  readonly ctrl: Int32Array;
  readonly f0: number;
  readonly f1: number;
}

const wd = workerData as HistogramWorkerData | undefined;
if (wd && parentPort) {
  const port = parentPort;
  const { inputs, ctrl, f0, f1 } = wd;
  serveSharedJobs(ctrl, (m) => port.postMessage(m), (args) => buildHistogramSlice(inputs, args[0], args[1], args[2], f0, f1));
}
