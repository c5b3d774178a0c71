/** The parallel GBDT scorer gives the runtime predictor's exact scores, for small and growing batches. */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.js';
import type { FeatureMatrix } from '../../runtime/feature-matrix.js';
import { createGbdtPredictor } from '../../runtime/gbdt/gbdt-predictor.js';
import { fitGbdt } from './fit-gbdt.js';
import { createParallelGbdtScorer } from './parallel-gbdt-scorer.js';

function matrix(n: number, F: number, rng: Rng, nanRate: number): FeatureMatrix {
  const data = new Float64Array(n * F);
  for (let i = 0; i < n * F; i++) data[i] = rng.next() < nanRate ? NaN : rng.normal();
  return { rows: n, cols: F, data, names: Array.from({ length: F }, (_, f) => `f${f}`), categoryCounts: new Int32Array(F) };
}

describe('createParallelGbdtScorer', () => {
  it('matches the single-threaded runtime predictor bit for bit', async () => {
    const rng = new Rng(11);
    const F = 6;
    const x = matrix(3000, F, rng, 0.05);
    const y = new Float64Array(x.rows);
    for (let i = 0; i < x.rows; i++) y[i] = (x.data[i] || 0) + Math.sin(x.data[x.rows + i] || 0) > 0 ? 1 : 0;
    const fit = await fitGbdt(x, y, { params: { objective: 'binary', numTrees: 15, maxLeaves: 15, numThreads: 1 }, seed: 1 });
    const ref = createGbdtPredictor(fit.state);
    const scorer = await createParallelGbdtScorer(fit.state, 2);
    try {
      // Below the threshold (calling thread), then above it twice (the pool starts, then grows).
      for (const [rows, nan] of [[500, 0.1], [20_000, 0], [45_000, 0.02]] as const) {
        const m = matrix(rows, F, rng, nan);
        expect(Array.from(await scorer.predictRaw(m))).toEqual(Array.from(ref.predictRaw(m)));
      }
      await expect(scorer.predictRaw(matrix(10, F + 1, rng, 0))).rejects.toThrow(/expects 6/);
    } finally {
      await scorer.close();
    }
  }, 60_000);
});
