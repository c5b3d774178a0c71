/** Gradients computed on the training pool's threads equal the single-thread pass byte for byte. */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.js';
import { MAX_JOB_BLOCKS } from '../parallel/shared-job-pool.js';
import type { FeatureMatrix } from '../../runtime/feature-matrix.js';
import { fitGbdt } from './fit-gbdt.js';
import { parseGbdtParams } from './gbdt-params.js';
import type { GbdtObjective } from './gbdt-params.js';
import { orderedStride } from './histogram-kernel.js';
import type { HistogramInputs } from './histogram-kernel.js';
import { OBJECTIVES } from './objectives/objective-registry.js';
import { ParallelHistogramBuilder } from './parallel-histogram-builder.js';
import { gradientBlockRange, gradientBlocks, PARALLEL_GRADIENT_MIN_ROWS } from './shared-gradients.js';

/** A shared array filled by `fill(i)` in place (`map` would return an unshared copy). */
function shared(n: number, fill: (i: number) => number = () => 0): Float64Array {
  const a = new Float64Array(new SharedArrayBuffer(8 * n));
  for (let i = 0; i < n; i++) a[i] = fill(i);
  return a;
}

function tinyInputs(): HistogramInputs {
  const F = 4;
  return { bins: new Uint8Array(0), features: F, offsets2: Int32Array.of(0, 4, 8, 12), histSize: 16, gh: new Float64Array(0), rowIndex: new Int32Array(0), stride: orderedStride(F), ordBins: new Uint8Array(new SharedArrayBuffer(64)), ordGh: shared(8), hist: shared(16), packed: false };
}

describe('shared gradients', () => {
  it('cuts rows into blocks that cover every row once, at most MAX_JOB_BLOCKS per job', () => {
    for (const rows of [PARALLEL_GRADIENT_MIN_ROWS, 100_003, 9_000_001]) {
      const blocks = gradientBlocks(rows);
      expect(blocks).toBeLessThanOrEqual(MAX_JOB_BLOCKS);
      const r = new Int32Array(2);
      let next = 0;
      for (let b = 0; b < blocks; b++) {
        gradientBlockRange(rows, b, r);
        expect(r[0]).toBe(next);
        next = r[1];
      }
      expect(next).toBe(rows);
    }
  });

  it.each<[GbdtObjective, boolean]>([
    ['binary', true],
    ['regression', true],
    ['huber', false],
    ['regression_l1', true],
  ])('%s (weights %s): pool threads write what the objective writes alone', async (name, weighted) => {
    const n = PARALLEL_GRADIENT_MIN_ROWS + 3001;
    const rng = new Rng(3);
    const y = shared(n, () => (name === 'binary' ? (rng.next() < 0.4 ? 1 : 0) : rng.normal() * 3));
    const weight = weighted ? shared(n, () => rng.next() * 2) : undefined;
    const params = parseGbdtParams({ objective: name });
    const objective = OBJECTIVES[name]({ y, weight, queryStart: undefined, numClasses: 0 }, params);
    const scores = shared(n, () => rng.normal());
    const out = shared(2 * n);
    const pool = await ParallelHistogramBuilder.start(ParallelHistogramBuilder.launch(3), tinyInputs(), 3, undefined, { data: { objective: name, params, y, weight, scores, out }, objective });
    try {
      expect(pool.computeGradients(0)).toBe(true);
    } finally {
      await pool.close();
    }
    const want = new Float64Array(2 * n);
    objective.gradients(scores, 0, want);
    let bad = 0;
    for (let i = 0; i < 2 * n; i++) if (!Object.is(out[i], want[i])) bad++;
    expect(bad).toBe(0);
  });

  it('trains the same bytes with 1 and 2 threads for a weighted regression loss', async () => {
    const n = 50_000;
    const F = 6;
    const rng = new Rng(8);
    const data = new Float64Array(n * F).map(() => rng.normal());
    const x: FeatureMatrix = { rows: n, cols: F, data, names: Array.from({ length: F }, (_, f) => `f${f}`), categoryCounts: new Int32Array(F) };
    const y = Float64Array.from({ length: n }, (_, i) => data[i] * 2 - data[n + i] + rng.normal());
    const sampleWeight = Float64Array.from({ length: n }, () => 0.5 + rng.next());
    const params = { objective: 'huber' as const, numTrees: 4 };
    const a = await fitGbdt(x, y, { params: { ...params, numThreads: 1 }, sampleWeight, seed: 2 });
    const b = await fitGbdt(x, y, { params: { ...params, numThreads: 2 }, sampleWeight, seed: 2 });
    expect(JSON.stringify(b.state)).toBe(JSON.stringify(a.state));
  });
});
