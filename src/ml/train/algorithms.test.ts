import { describe, expect, it } from 'vitest';
import { createPredictor } from '../../runtime/model-kinds.js';
import type { FeatureMatrix } from '../../runtime/feature-matrix.js';
import { getAlgorithm } from './algorithms.js';

/** Column-major rows x cols with a few NaNs, the last column categorical (codes 0..3); label from a noisy interaction. */
function data(rows: number, cols: number, classes: number, seed: number): { x: FeatureMatrix; y: Float64Array } {
  let s = seed;
  const rnd = (): number => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const d = new Float64Array(rows * cols);
  for (let i = 0; i < d.length; i++) d[i] = rnd() < 0.03 ? NaN : i >= (cols - 1) * rows ? Math.floor(rnd() * 4) : rnd() * 4 - 2;
  const y = new Float64Array(rows);
  for (let i = 0; i < rows; i++) y[i] = Math.floor((((d[i] || 0) * (d[rows + i] || 0) + (d[(cols - 1) * rows + i] === 2 ? 1 : 0) + rnd()) * 7 + 100) % classes);
  const categoryCounts = new Int32Array(cols);
  categoryCounts[cols - 1] = 4;
  return { x: { rows, cols, data: d, names: Array.from({ length: cols }, (_, j) => `f${j}`), categoryCounts }, y };
}

describe('gbdt algorithm fit: trainRaw', () => {
  const gbdt = getAlgorithm('gbdt');
  for (const c of [
    { name: 'binary, 2 threads, bagging', classes: 2, task: 'binary' as const, params: { numTrees: 25, numThreads: 2, subsample: 0.7, earlyStoppingRounds: 0 } },
    { name: 'multiclass, 1 thread', classes: 3, task: 'multiclass' as const, params: { numTrees: 10, numThreads: 1, earlyStoppingRounds: 0 } },
  ]) {
    it(`equals the runtime's scores of the training rows bit for bit (${c.name})`, async () => {
      const { x, y } = data(30_000, 5, c.classes, 7);
      const fit = await gbdt.fit({ x, y, task: c.task, numClasses: c.classes === 2 ? 1 : c.classes, params: c.params, seed: 1 });
      expect(fit.trainRaw).toBeDefined();
      expect(Array.from(fit.trainRaw ?? [])).toEqual(Array.from(createPredictor(fit.state).predictRaw(x)));
    });
  }

  it('is left out when early stopping cut the model (its scores include the cut trees)', async () => {
    const { x, y } = data(4_000, 5, 2, 3);
    const v = data(1_000, 5, 2, 4);
    const fit = await gbdt.fit({ x, y, task: 'binary', numClasses: 1, params: { numTrees: 300, learningRate: 0.5, earlyStoppingRounds: 3, numThreads: 1 }, seed: 1, valid: { x: v.x, y: v.y } });
    expect(fit.bestIteration).toBeLessThan(300);
    expect(fit.trainRaw).toBeUndefined();
  });
});
