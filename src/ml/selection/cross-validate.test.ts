/** crossValidate: per-fold results, mean and population std (ddof = 0), async fit, bad folds. */
import { describe, expect, it } from 'vitest';
import { InputError } from '../../core/errors.js';
import { crossValidate } from './cross-validate.js';
import { kFold } from './k-fold.js';

describe('crossValidate', () => {
  it('fits on train rows, evaluates on test rows and summarizes with ddof=0', async () => {
    const y = Float64Array.from({ length: 12 }, (_, i) => i * i);
    const folds = kFold(12, 3);
    // "model" = mean of the training targets; metric = mean absolute error on the test rows.
    const result = await crossValidate(
      12,
      folds,
      async (train, f) => {
        await Promise.resolve();
        let s = 0;
        for (const i of train) s += y[i];
        return { mean: s / train.length, fold: f };
      },
      (model, test) => {
        let e = 0;
        for (const i of test) e += Math.abs(y[i] - model.mean);
        return { mae: e / test.length, fold: model.fold };
      },
    );
    expect(result.folds.map((r) => r.fold)).toEqual([0, 1, 2]);
    const maes = result.folds.map((r) => r.mae);
    const mean = (maes[0] + maes[1] + maes[2]) / 3;
    expect(result.mean.mae).toBeCloseTo(mean, 12);
    // numpy: np.std([a, b, c]) (ddof=0)
    expect(result.std.mae).toBeCloseTo(Math.sqrt(maes.reduce((s, m) => s + (m - mean) ** 2, 0) / 3), 12);
    expect(result.std.fold).toBeCloseTo(Math.sqrt(2 / 3), 14);
  });

  it('rejects folds with out-of-range indices or no folds', async () => {
    await expect(crossValidate(5, [{ train: Int32Array.of(0, 1), test: Int32Array.of(7) }], () => 0, () => ({}))).rejects.toThrow(/outside 0..4/);
    await expect(crossValidate(5, [], () => 0, () => ({}))).rejects.toBeInstanceOf(InputError);
  });
});
