/**
 * Score update on the training pool's threads: after a tree is grown, every row of the bag gets its
 * leaf's (shrunk) value added to its raw score. Leaves own contiguous ranges of the row index, so a
 * thread takes a block of index positions and adds, for each leaf overlapping the block, that leaf's
 * value to the rows there. Each row appears once in the index and gets exactly one addition, so the
 * scores are the same bytes whichever thread did it.
 */
import { MAX_JOB_BLOCKS } from '../parallel/shared-job-pool.js';

/** Shared state of the score update: all arrays on shared memory. */
export interface SharedScoreData {
  /** Raw scores, rows x outputs. */
  readonly scores: Float64Array;
  readonly outputs: number;
  /** Per leaf l: start at 3l, count at 3l + 1, value to add at 3l + 2 (written before each update). */
  readonly leaves: Float64Array;
}

/** Below this many bagged rows the update stays on the calling thread. */
export const PARALLEL_SCORE_UPDATE_MIN_ROWS = 65_536;

function blockPositions(count: number): number {
  return Math.max(16_384, Math.ceil(count / MAX_JOB_BLOCKS));
}

/** Blocks of an update over `count` index positions (at most MAX_JOB_BLOCKS). */
export function scoreUpdateBlocks(count: number): number {
  return Math.ceil(count / blockPositions(count));
}

/** Add leaf values to the rows at index positions of block `b` of `count` (output `k`, `numLeaves` leaves). */
export function updateScoreBlock(d: SharedScoreData, rowIndex: Int32Array, numLeaves: number, count: number, k: number, b: number): void {
  const size = blockPositions(count);
  const p0 = b * size;
  const p1 = Math.min(count, p0 + size);
  const { scores, outputs: K, leaves } = d;
  for (let l = 0; l < numLeaves; l++) {
    const s = Math.max(p0, leaves[3 * l]);
    const e = Math.min(p1, leaves[3 * l] + leaves[3 * l + 1]);
    const v = leaves[3 * l + 2];
    for (let i = s; i < e; i++) scores[rowIndex[i] * K + k] += v;
  }
}
