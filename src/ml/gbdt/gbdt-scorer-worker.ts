/**
 * Worker-thread entry of the parallel GBDT scorer: for each job on the shared control block it scores
 * the row blocks it claims with the interleaved kernel (numeric-only models) or the runtime's block
 * kernel (args: [0] rows n, [1] rows per job block).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { SCORE_BLOCK, scoreRows } from '../../runtime/gbdt/compact-trees.js';
import type { CompactTrees } from '../../runtime/gbdt/compact-trees.js';
import { serveSharedJobs } from '../parallel/shared-job-pool.js';
import { interleavedTrees, scoreRowsInterleaved } from './interleaved-tree-kernel.js';

/** What the scorer hands each worker. */
export interface GbdtScorerWorkerData {
  readonly trees: CompactTrees;
  readonly ctrl: Int32Array;
  /** Column-major input of the current job (stride = its row count). */
  readonly input: Float64Array;
  /** Row-major raw scores of the current job. */
  readonly output: Float64Array;
}

const wd = workerData as GbdtScorerWorkerData | undefined;
if (wd && parentPort) {
  const port = parentPort;
  const { trees, ctrl, input, output } = wd;
  const block = new Float64Array(SCORE_BLOCK * Math.max(trees.features, 1));
  const fast = interleavedTrees(trees);
  serveSharedJobs(ctrl, (m) => port.postMessage(m), (args, b) => {
    const n = args[0];
    const r0 = b * args[1];
    if (fast) scoreRowsInterleaved(fast, input, n, r0, Math.min(n, r0 + args[1]), output, block);
    else scoreRows(trees, input, n, r0, Math.min(n, r0 + args[1]), output, block);
  });
}
