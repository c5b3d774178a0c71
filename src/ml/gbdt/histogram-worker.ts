/**
 * Worker-thread entry of the GBDT pool: for each job published on the shared control block it builds
 * the histogram feature blocks or partitions the row chunks it claims (see
 * parallel-histogram-builder.ts). Job argument 0 says which: 0 histogram feature blocks,
 * 1 partition counts, 2 histogram row blocks (argument 4 = the job's first row block), 3 partition
 * scatter, 4 gradient blocks of output argument 1 (see shared-gradients.ts), 5 score-update blocks
 * (arguments 1-2: rows, output; see shared-score-update.ts), 7 gather blocks of the
 * tree's rows (arguments 1-2: rows, identity index; see partition-kernel.ts). Feature-block jobs with
 * argument 4 > 0 also subtract each block from slot argument 4 - 1 and, when the split-search state names
 * children, search their splits over the block (shared-split-search.ts); 6 does the same after adding
 * the row-block partials (arguments 1-2: slot, row blocks; 3: subtract-from slot + 1) by feature block.
 */
import { parentPort } from 'node:worker_threads';
import { receiveJobData, serveSharedJobs } from '../parallel/shared-job-pool.js';
import { buildHistogramSlice, subtractHistogramSlice } from './histogram-kernel.js';
import type { HistogramInputs } from './histogram-kernel.js';
import { countChunkLefts, gatherBlock, scatterChunk } from './partition-kernel.js';
import type { PartitionBuffers } from './partition-kernel.js';
import { buildRowBlock, reduceRowBlocksSlice } from './row-block-histogram.js';
import { gradientBlockRange, workerObjective } from './shared-gradients.js';
import type { SharedGradientData } from './shared-gradients.js';
import { updateScoreBlock } from './shared-score-update.js';
import type { SharedScoreData } from './shared-score-update.js';
import { BlockSplitSearch } from './shared-split-search.js';
import type { SharedSplitData } from './shared-split-search.js';

/** What the pool hands each histogram worker (after binning, by message: the worker is spawned before). */
export interface HistogramWorkerData {
  readonly inputs: HistogramInputs;
  /** Feature block b covers features [blockBounds[b], blockBounds[b + 1]). */
  readonly blockBounds: Int32Array;
  /** Partition scratch and split state; absent when partitions stay on the calling thread. */
  readonly partition?: PartitionBuffers;
  /** Partial histograms of row blocks 1.. of large leaves. */
  readonly partials: Float64Array;
  /** Labels, scores and gradient output for losses computed on the pool; absent otherwise. */
  readonly gradients?: SharedGradientData;
  /** Scores and leaf table for score updates on the pool; absent otherwise. */
  readonly scoreUpdate?: SharedScoreData;
  /** Split searches inside feature-block jobs; absent otherwise. */
  readonly splitSearch?: SharedSplitData;
}

receiveJobData<HistogramWorkerData>((wd, ctrl) => {
  const port = parentPort;
  if (!port) return;
  const { inputs, blockBounds, partition, partials, gradients, scoreUpdate, splitSearch } = wd;
  const searcher = splitSearch ? new BlockSplitSearch(splitSearch) : undefined;
  const objective = gradients ? workerObjective(gradients) : undefined;
  const range = new Int32Array(2);
  serveSharedJobs(ctrl, (m) => port.postMessage(m), (args, b) => {
    if (args[0] === 7 && partition?.rowWords) gatherBlock(inputs, partition.rowWords, args[1], args[2] === 1, b);
    else if (args[0] === 4 && gradients && objective?.gradientRange) {
      gradientBlockRange(gradients.y.length, b, range);
      objective.gradientRange(gradients.scores, args[1], gradients.out, range[0], range[1]);
    } else if (args[0] === 5 && scoreUpdate) {
      updateScoreBlock(scoreUpdate, args[1], args[2], b);
    } else if (args[0] === 1 && partition) countChunkLefts(inputs, partition, args[1], args[2], args[3], b);
    else if (args[0] === 3 && partition) scatterChunk(inputs, partition, args[1], args[2], args[3], b, args[4] === 1);
    else if (args[0] === 2) buildRowBlock(inputs, partials, args[1], args[2], args[3], args[4] + b);
    else if (args[0] === 6) {
      reduceRowBlocksSlice(inputs, partials, args[1], args[2], blockBounds[b], blockBounds[b + 1]);
      if (args[3] > 0) subtractHistogramSlice(inputs, args[3] - 1, args[1], blockBounds[b], blockBounds[b + 1]);
      if (searcher && splitSearch && (splitSearch.job[0] >= 0 || splitSearch.job[4] >= 0)) searcher.search(inputs.hist, inputs.histSize, b, blockBounds[b], blockBounds[b + 1]);
    }
    else {
      buildHistogramSlice(inputs, args[1], args[2], args[3], blockBounds[b], blockBounds[b + 1]);
      if (args[4] > 0) subtractHistogramSlice(inputs, args[4] - 1, args[3], blockBounds[b], blockBounds[b + 1]);
      // The caller sets both children's slots to -1 when the job carries no search.
      if (searcher && splitSearch && (splitSearch.job[0] >= 0 || splitSearch.job[4] >= 0)) searcher.search(inputs.hist, inputs.histSize, b, blockBounds[b], blockBounds[b + 1]);
    }
  });
});
