/** Score updates on the training pool's threads add exactly what the single-thread loop adds. */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.js';
import { MAX_JOB_BLOCKS } from '../parallel/shared-job-pool.js';
import { orderedStride } from './histogram-kernel.js';
import type { HistogramInputs } from './histogram-kernel.js';
import { ParallelHistogramBuilder } from './parallel-histogram-builder.js';
import { createScoreData, PARALLEL_SCORE_UPDATE_MIN_ROWS, recordLeafOfRows, scoreUpdateBlocks, updateScores } from './shared-score-update.js';

const shared = (n: number): Float64Array => new Float64Array(new SharedArrayBuffer(8 * n));

describe('shared score update', () => {
  it('uses at most MAX_JOB_BLOCKS blocks per job', () => {
    expect(scoreUpdateBlocks(PARALLEL_SCORE_UPDATE_MIN_ROWS)).toBe(4);
    expect(scoreUpdateBlocks(20_000_001)).toBeLessThanOrEqual(MAX_JOB_BLOCKS);
  });

  it('adds each leaf value once to every row of the leaf, for output k of K, on 3 threads and on the calling thread', async () => {
    const n = PARALLEL_SCORE_UPDATE_MIN_ROWS + 20_011;
    const K = 3;
    const k = 1;
    const rng = new Rng(12);
    // A shuffled bag of all rows but the last 100 (those are out of the bag and must stay untouched).
    const count = n - 100;
    const order = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [order[i], order[j]] = [order[j], order[i]];
    }
    const rowIndex = new Int32Array(new SharedArrayBuffer(4 * n));
    rowIndex.set(order);
    const bounds = [0, 10, 30_000, 30_001, 70_000, count];
    const leafStart = Int32Array.from(bounds.slice(0, -1));
    const leafCount = Int32Array.from(bounds.slice(1), (e, l) => e - bounds[l]);
    const values = Array.from({ length: bounds.length - 1 }, () => rng.normal() * 0.1);
    // Filled in place: `map` would return an unshared copy.
    const scores = shared(n * K);
    for (let i = 0; i < n * K; i++) scores[i] = rng.normal();
    const want = scores.slice();
    for (let l = 0; l + 1 < bounds.length; l++) for (let i = bounds[l]; i < bounds[l + 1]; i++) want[rowIndex[i] * K + k] += values[l];
    // Rows out of the bag get their leaf by a tree walk in training; here leaf 2 for all of them.
    for (let i = count; i < n; i++) want[rowIndex[i] * K + k] += values[2];
    const data = createScoreData(scores, n, K, 31);
    const serial = createScoreData(scores.slice(), n, K, 31);
    for (const d of [data, serial]) {
      recordLeafOfRows(d, rowIndex, leafStart, leafCount, bounds.length - 1);
      for (let i = count; i < n; i++) d.leafOfRow[rowIndex[i]] = 2;
      d.values.set(values);
    }
    const F = 4;
    const inp: HistogramInputs = { bins: new Uint8Array(0), features: F, offsets2: Int32Array.of(0, 4, 8, 12), histSize: 16, gh: new Float64Array(0), rowIndex, stride: orderedStride(F), ordBins: new Uint8Array(new SharedArrayBuffer(64)), ordGh: shared(8), hist: shared(16), packed: false };
    const pool = await ParallelHistogramBuilder.start(ParallelHistogramBuilder.launch(3), inp, 3, undefined, undefined, data);
    try {
      expect(pool.updateScores(n, k)).toBe(true);
      expect(pool.updateScores(PARALLEL_SCORE_UPDATE_MIN_ROWS - 1, k)).toBe(false);
    } finally {
      await pool.close();
    }
    updateScores(serial, n, k);
    for (const got of [scores, serial.scores]) {
      let bad = 0;
      for (let i = 0; i < n * K; i++) if (!Object.is(got[i], want[i])) bad++;
      expect(bad).toBe(0);
    }
  });
});
