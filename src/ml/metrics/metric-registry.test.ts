/**
 * The metric registry and the per-task evaluate functions: names, directions, dispatch to the same
 * numbers as the direct functions, and clear InputErrors for bad input.
 */
import { describe, expect, it } from 'vitest';
import { InputError, NotFoundError } from '../../core/errors.js';
import { evaluateClassification, evaluateRanking, evaluateRegression } from './evaluate.js';
import { getMetric, METRICS } from './metric-registry.js';
import { rocAuc } from './roc.js';
import { logLoss } from './probability-losses.js';
import { accuracy } from './accuracy.js';
import { meanSquaredError, r2Score } from './regression-metrics.js';
import { ndcgAtK } from './ndcg.js';

const yBin = Int32Array.of(0, 1, 1, 0, 1, 0, 0, 1);
const pBin = Float64Array.of(0.1, 0.8, 0.4, 0.3, 0.9, 0.6, 0.2, 0.7);
const probaBin = new Float64Array(16);
pBin.forEach((p, i) => {
  probaBin[2 * i] = 1 - p;
  probaBin[2 * i + 1] = p;
});

describe('METRICS registry', () => {
  it('knows direction and task of the standard names', () => {
    expect(METRICS.roc_auc.higherIsBetter).toBe(true);
    expect(METRICS.log_loss.higherIsBetter).toBe(false);
    expect(METRICS.rmse.higherIsBetter).toBe(false);
    expect(METRICS.r2.higherIsBetter).toBe(true);
    expect(METRICS['ndcg@10'].task).toBe('ranking');
    expect(METRICS.f1.task).toBe('classification');
  });

  it('parses any cutoff and rejects unknown names with the list of known ones', () => {
    const m = getMetric('ndcg@3');
    expect(m.task).toBe('ranking');
    const y = Float64Array.of(3, 0, 1, 2);
    const s = Float64Array.of(0.1, 0.9, 0.5, 0.3);
    const g = Int32Array.of(1, 1, 1, 1);
    if (m.task === 'ranking') expect(m.compute({ yTrue: y, yScore: s, groups: g })).toBe(ndcgAtK(y, s, g, 3));
    expect(() => getMetric('auc')).toThrow(NotFoundError);
    try {
      getMetric('ndcg@0');
      expect.fail('ndcg@0 must be rejected');
    } catch (err) {
      expect(err).toBeInstanceOf(NotFoundError);
      expect((err as NotFoundError).hint).toMatch(/roc_auc/);
    }
  });

  it('binary metrics refuse multiclass probabilities with a hint', () => {
    const def = METRICS.roc_auc;
    if (def.task !== 'classification') throw new Error('roc_auc must be a classification metric');
    expect(() => def.compute({ yTrue: Int32Array.of(0, 1, 2), proba: new Float64Array(9).fill(1 / 3), nClasses: 3 })).toThrow(/roc_auc_ovr/);
  });
});

describe('evaluateClassification', () => {
  it('binary: the standard set, same numbers as the direct functions', () => {
    const r = evaluateClassification(yBin, probaBin, ['no', 'yes']);
    expect(Object.keys(r)).toEqual(['accuracy', 'balanced_accuracy', 'precision', 'recall', 'f1', 'roc_auc', 'average_precision', 'log_loss', 'brier']);
    expect(r.roc_auc).toBe(rocAuc(yBin, pBin));
    expect(r.log_loss).toBeCloseTo(logLoss(yBin, probaBin, 2), 14);
    // argmax: p > 0.5 predicts class 1
    expect(r.accuracy).toBe(accuracy(yBin, Int32Array.from(pBin, (p) => (p > 0.5 ? 1 : 0))));
  });

  it('multiclass: the standard set', () => {
    const y = Int32Array.of(0, 1, 2, 2, 1, 0);
    const proba = Float64Array.of(0.7, 0.2, 0.1, 0.1, 0.8, 0.1, 0.2, 0.2, 0.6, 0.3, 0.3, 0.4, 0.5, 0.4, 0.1, 0.6, 0.3, 0.1);
    const r = evaluateClassification(y, proba, ['a', 'b', 'c']);
    expect(Object.keys(r)).toEqual(['accuracy', 'balanced_accuracy', 'f1_macro', 'f1_weighted', 'log_loss', 'roc_auc_ovr']);
    // argmax per row: 0, 1, 2, 2, 0, 0 -> only row 4 (true 1) is wrong
    expect(r.accuracy).toBeCloseTo(5 / 6, 14);
  });

  it('reports NaN for metrics undefined on the data (one class present)', () => {
    const y = Int32Array.of(1, 1, 1, 1, 1, 1, 1, 1);
    const r = evaluateClassification(y, probaBin, ['no', 'yes']);
    expect(r.roc_auc).toBeNaN();
    expect(Number.isFinite(r.log_loss)).toBe(true);
  });

  it('rejects malformed input with InputError naming the problem', () => {
    expect(() => evaluateClassification(yBin, probaBin.subarray(0, 15), ['no', 'yes'])).toThrow(/proba/);
    expect(() => evaluateClassification(Int32Array.of(0, 3), Float64Array.of(0.5, 0.5, 0.5, 0.5), ['a', 'b'])).toThrow(/class code 3 at row 1/);
    const bad = probaBin.slice();
    bad[5] = NaN;
    expect(() => evaluateClassification(yBin, bad, ['no', 'yes'])).toThrow(InputError);
  });
});

describe('evaluateRegression and evaluateRanking', () => {
  it('regression set', () => {
    const y = Float64Array.of(1, 2, 3, 4);
    const p = Float64Array.of(1.5, 2, 2.5, 4.5);
    const r = evaluateRegression(y, p);
    expect(Object.keys(r)).toEqual(['rmse', 'mse', 'mae', 'mape', 'r2']);
    expect(r.mse).toBe(meanSquaredError(y, p));
    expect(r.r2).toBe(r2Score(y, p));
    expect(r.rmse).toBe(Math.sqrt(r.mse));
  });

  it('ranking set', () => {
    const y = Float64Array.of(0, 1, 0, 2, 0, 0);
    const s = Float64Array.of(0.9, 0.8, 0.1, 0.3, 0.5, 0.4);
    const g = Int32Array.of(5, 5, 5, 9, 9, 9);
    const r = evaluateRanking(y, s, g);
    expect(Object.keys(r)).toEqual(['ndcg@5', 'ndcg@10', 'map@10', 'mrr']);
    // query 5: first relevant at rank 2; query 9: at rank 3
    expect(r.mrr).toBeCloseTo((1 / 2 + 1 / 3) / 2, 15);
    expect(r['map@10']).toBeCloseTo((1 / 2 + 1 / 3) / 2, 15);
  });
});

describe('input errors', () => {
  it('length mismatch, empty input, NaN predictions, single class for AUC', () => {
    expect(() => rocAuc(Int32Array.of(0, 1), Float64Array.of(0.1))).toThrow(/has 1 entries but y_true has 2/);
    expect(() => meanSquaredError(new Float64Array(0), new Float64Array(0))).toThrow(/0 rows/);
    expect(() => rocAuc(Int32Array.of(0, 1), Float64Array.of(0.1, NaN))).toThrow(/NaN at row 1/);
    expect(() => rocAuc(Int32Array.of(1, 1), Float64Array.of(0.1, 0.2))).toThrow(/only one class/);
    expect(() => meanSquaredError(Float64Array.of(1, 2), Float64Array.of(1, 2), Float64Array.of(1, -1))).toThrow(/sample_weight/);
    try {
      rocAuc(Int32Array.of(1, 1), Float64Array.of(0.1, 0.2));
    } catch (err) {
      expect(err).toBeInstanceOf(InputError);
    }
    expect(() => ndcgAtK(Float64Array.of(-1, 1), Float64Array.of(0, 1), Int32Array.of(0, 0), 3)).toThrow(/>= 0/);
  });
});
