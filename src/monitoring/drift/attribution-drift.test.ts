import { describe, expect, it } from 'vitest';
import { InputError } from '../../core/errors.js';
import { attributionDrift, meanAbsoluteAttributions } from './attribution-drift.js';

describe('attribution drift (Clarify NDCG)', () => {
  it('an unchanged ranking scores NDCG 1 and no drift, even when magnitudes move', () => {
    const r = attributionDrift({ a: 0.5, b: 0.3, c: 0.2 }, { a: 5, b: 3, c: 2 });
    expect(r).toMatchObject({ ndcg: 1, drifted: false, topK: 3 });
    expect(r.distance).toBeCloseTo(0, 15);
    expect(attributionDrift({ a: 0.5, b: 0.3, c: 0.2 }, { a: 0.4, b: 0.35, c: 0.25 }).distance).toBeCloseTo(0.1, 15);
  });
  it('a reversed ranking: NDCG by hand from Clarify’s definition', () => {
    const r = attributionDrift({ a: 0.5, b: 0.3, c: 0.2 }, { a: 0.1, b: 0.3, c: 0.6 });
    // DCG over the window's ranking c, b, a with baseline values; iDCG over the baseline's a, b, c.
    const dcg = 0.2 / 1 + 0.3 / Math.log2(3) + 0.5 / 2;
    const idcg = 0.5 / 1 + 0.3 / Math.log2(3) + 0.2 / 2;
    expect(r.ndcg).toBeCloseTo(dcg / idcg, 15);
    expect(r.ndcg).toBeCloseTo(0.80996, 4);
    expect(r.drifted).toBe(true);
    expect(r.distance).toBeCloseTo(0.4, 15);
    expect(r.features.map((f) => [f.feature, f.referenceRank, f.currentRank, f.rankChange])).toEqual([
      ['a', 1, 3, -2],
      ['b', 2, 2, 0],
      ['c', 3, 1, 2],
    ]);
  });
  it('top-k compares only the head of each ranking; ties keep the baseline order', () => {
    const r = attributionDrift({ a: 4, b: 3, c: 2, d: 1 }, { a: 4, b: 3, c: 0, d: 9 }, { topK: 2 });
    // window's top 2: d, a -> DCG = 1 + 4/log2(3); iDCG = 4 + 3/log2(3)
    expect(r.ndcg).toBeCloseTo((1 + 4 / Math.log2(3)) / (4 + 3 / Math.log2(3)), 15);
    expect(attributionDrift({ a: 1, b: 1 }, { a: 1, b: 1 }).features.map((f) => f.currentRank)).toEqual([1, 2]);
  });
  it('mean |SHAP| per feature from an attribution matrix', () => {
    expect(meanAbsoluteAttributions(['x', 'y'], Float64Array.from([1, -2, -3, 4]))).toEqual({ x: 2, y: 3 });
  });
  it('refuses mismatched features, bad values and empty input', () => {
    expect(() => attributionDrift({ a: 1, b: 2 }, { a: 1 })).toThrow(/'b' has no current attribution/);
    expect(() => attributionDrift({ a: 1 }, { a: 1, z: 2 })).toThrow(/baseline does not: z/);
    expect(() => attributionDrift({ a: -1 }, { a: 1 })).toThrow(/mean \|SHAP\|/);
    expect(() => attributionDrift({ a: 0, b: 0 }, { a: 1, b: 2 })).toThrow(/every baseline attribution is 0/);
    expect(() => attributionDrift({}, {})).toThrow(InputError);
    expect(() => attributionDrift({ a: 1 }, { a: 1 }, { topK: 0 })).toThrow(/topK/);
    expect(() => meanAbsoluteAttributions(['x'], new Float64Array(0))).toThrow(/empty window/);
    expect(() => meanAbsoluteAttributions(['x', 'y'], Float64Array.from([1, NaN]))).toThrow(/'y' at row 0 is NaN/);
  });
});

describe('attribution drift as monitor results', () => {
  it('yields ndcg (with the verdict), the distance and each feature’s window importance', async () => {
    const { attributionDriftResultPoints } = await import('./attribution-drift.js');
    const points = attributionDriftResultPoints(attributionDrift({ a: 0.5, b: 0.3, c: 0.2 }, { a: 0.1, b: 0.3, c: 0.6 }));
    expect(points.map((p) => [p.metric, p.column, p.drifted])).toEqual([
      ['attribution_ndcg', null, true],
      ['attribution_distance', null, undefined],
      ['mean_abs_shap', 'a', undefined],
      ['mean_abs_shap', 'b', undefined],
      ['mean_abs_shap', 'c', undefined],
    ]);
    expect(points[2].value).toBe(0.1);
  });
});
