/**
 * Every metric against scikit-learn 1.2.1 on identical seeded inputs (test/fixtures/metrics-reference.json,
 * produced by test/fixtures/scripts/metrics_reference.py): scalars to 1e-10 relative, curves point by point.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { accuracy, balancedAccuracy } from './accuracy.js';
import { calibrationCurve } from './calibration-curve.js';
import { confusionMatrix } from './confusion-matrix.js';
import { averagePrecision, precisionRecallCurve } from './precision-recall-curve.js';
import { precisionRecallFscore } from './precision-recall-f1.js';
import { binaryLogLoss, brierScore, logLoss } from './probability-losses.js';
import { meanAbsoluteError, meanAbsolutePercentageError, meanSquaredError, r2Score, rootMeanSquaredError } from './regression-metrics.js';
import { rocAuc, rocAucOvr, rocCurve } from './roc.js';
import { ndcgAtK, ndcgScore } from './ndcg.js';
import { mapAtK, meanReciprocalRank, precisionAtK, recallAtK } from './ranking-metrics.js';

type Expected = Record<string, number>;
interface BinaryCase {
  name: string;
  y_true: number[];
  y_score: number[];
  y_pred: number[];
  sample_weight: number[] | null;
  expected: Expected & {
    confusion_matrix: number[];
    roc_curve: { fpr: number[]; tpr: number[]; thresholds: number[] };
    roc_curve_all: { fpr: number[]; tpr: number[]; thresholds: number[] };
    pr_curve: { precision: number[]; recall: number[]; thresholds: number[] };
    calibration?: Record<string, { prob_true: number[]; prob_pred: number[] }>;
  };
}
interface MulticlassCase {
  name: string;
  k: number;
  y_true: number[];
  proba: number[];
  y_pred: number[];
  sample_weight: number[] | null;
  expected: Expected & { confusion_matrix: number[] };
}
interface Fixture {
  binary: BinaryCase[];
  multiclass: MulticlassCase[];
  regression: { name: string; y_true: number[]; y_pred: number[]; sample_weight: number[] | null; expected: Expected }[];
  r2_constant: { perfect: number; imperfect: number };
  ranking: { name: string; y_true: number[]; y_score: number[]; groups: number[]; expected: Expected }[];
  ndcg_matrix: { n_labels: number; y_true: number[]; y_score: number[]; sample_weight: number[]; expected: Expected };
}

const fixture = JSON.parse(readFileSync(new URL('../../../test/fixtures/metrics-reference.json', import.meta.url), 'utf8')) as Fixture;

function close(actual: number, expected: number, label = ''): void {
  const tol = 1e-10 * Math.max(Math.abs(expected), 1e-300) + 1e-15;
  if (!(Math.abs(actual - expected) <= tol)) expect.fail(`${label}: got ${actual}, sklearn ${expected}`);
}

function closeArray(actual: ArrayLike<number>, expected: number[], label: string): void {
  expect(actual.length, `${label} length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) close(actual[i], expected[i], `${label}[${i}]`);
}

const w = (arr: number[] | null): Float64Array | undefined => (arr ? Float64Array.from(arr) : undefined);

describe('binary classification metrics match sklearn', () => {
  for (const c of fixture.binary) {
    it(c.name, () => {
      const y = Int32Array.from(c.y_true);
      const s = Float64Array.from(c.y_score);
      const pred = Int32Array.from(c.y_pred);
      const sampleWeight = w(c.sample_weight);
      const opt = sampleWeight ? { sampleWeight } : {};
      const e = c.expected;
      close(accuracy(y, pred, sampleWeight), e.accuracy, 'accuracy');
      close(balancedAccuracy(y, pred, sampleWeight), e.balanced_accuracy, 'balanced_accuracy');
      const bin = precisionRecallFscore(y, pred, opt);
      close(bin.precision, e.precision, 'precision');
      close(bin.recall, e.recall, 'recall');
      close(bin.fscore, e.f1, 'f1');
      close(precisionRecallFscore(y, pred, { ...opt, beta: 2 }).fscore, e.fbeta2, 'fbeta2');
      close(precisionRecallFscore(y, pred, { ...opt, average: 'micro' }).fscore, e.f1_micro, 'f1_micro');
      close(precisionRecallFscore(y, pred, { ...opt, average: 'macro' }).fscore, e.f1_macro, 'f1_macro');
      close(precisionRecallFscore(y, pred, { ...opt, average: 'weighted' }).fscore, e.f1_weighted, 'f1_weighted');
      close(precisionRecallFscore(y, pred, { ...opt, average: 'macro' }).precision, e.precision_macro, 'precision_macro');
      close(precisionRecallFscore(y, pred, { ...opt, average: 'weighted' }).recall, e.recall_weighted, 'recall_weighted');
      close(rocAuc(y, s, opt), e.roc_auc, 'roc_auc');
      close(averagePrecision(y, s, opt), e.average_precision, 'average_precision');
      close(binaryLogLoss(y, s, opt), e.log_loss, 'log_loss');
      const proba = new Float64Array(s.length * 2);
      for (let i = 0; i < s.length; i++) {
        proba[2 * i] = 1 - s[i];
        proba[2 * i + 1] = s[i];
      }
      close(logLoss(y, proba, 2, opt), e.log_loss, 'log_loss (n x 2)');
      close(brierScore(y, s, opt), e.brier, 'brier');
      closeArray(confusionMatrix(y, pred, opt).matrix, e.confusion_matrix, 'confusion_matrix');
      const roc = rocCurve(y, s, opt);
      closeArray(roc.fpr, e.roc_curve.fpr, 'roc fpr');
      closeArray(roc.tpr, e.roc_curve.tpr, 'roc tpr');
      closeArray(roc.thresholds, e.roc_curve.thresholds, 'roc thresholds');
      const rocAll = rocCurve(y, s, { ...opt, dropIntermediate: false });
      closeArray(rocAll.fpr, e.roc_curve_all.fpr, 'roc(all) fpr');
      closeArray(rocAll.tpr, e.roc_curve_all.tpr, 'roc(all) tpr');
      closeArray(rocAll.thresholds, e.roc_curve_all.thresholds, 'roc(all) thresholds');
      const pr = precisionRecallCurve(y, s, opt);
      closeArray(pr.precision, e.pr_curve.precision, 'pr precision');
      closeArray(pr.recall, e.pr_curve.recall, 'pr recall');
      closeArray(pr.thresholds, e.pr_curve.thresholds, 'pr thresholds');
      for (const [key, ref] of Object.entries(e.calibration ?? {})) {
        const [strategy, bins] = key.split('_');
        const cal = calibrationCurve(y, s, { strategy: strategy as 'uniform' | 'quantile', nBins: Number(bins) });
        closeArray(cal.probTrue, ref.prob_true, `calibration ${key} prob_true`);
        closeArray(cal.probPred, ref.prob_pred, `calibration ${key} prob_pred`);
      }
    });
  }
});

describe('multiclass metrics match sklearn', () => {
  for (const c of fixture.multiclass) {
    it(c.name, () => {
      const y = Int32Array.from(c.y_true);
      const proba = Float64Array.from(c.proba);
      const pred = Int32Array.from(c.y_pred);
      const sampleWeight = w(c.sample_weight);
      const opt = sampleWeight ? { sampleWeight } : {};
      const e = c.expected;
      close(accuracy(y, pred, sampleWeight), e.accuracy, 'accuracy');
      close(balancedAccuracy(y, pred, sampleWeight), e.balanced_accuracy, 'balanced_accuracy');
      close(precisionRecallFscore(y, pred, { ...opt, average: 'macro' }).fscore, e.f1_macro, 'f1_macro');
      close(precisionRecallFscore(y, pred, { ...opt, average: 'micro' }).fscore, e.f1_micro, 'f1_micro');
      close(precisionRecallFscore(y, pred, { ...opt, average: 'weighted' }).fscore, e.f1_weighted, 'f1_weighted');
      close(precisionRecallFscore(y, pred, { ...opt, average: 'macro' }).precision, e.precision_macro, 'precision_macro');
      close(precisionRecallFscore(y, pred, { ...opt, average: 'weighted' }).precision, e.precision_weighted, 'precision_weighted');
      close(precisionRecallFscore(y, pred, { ...opt, average: 'macro' }).recall, e.recall_macro, 'recall_macro');
      close(logLoss(y, proba, c.k, opt), e.log_loss, 'log_loss');
      close(rocAucOvr(y, proba, c.k, opt), e.roc_auc_ovr, 'roc_auc_ovr');
      close(rocAucOvr(y, proba, c.k, { ...opt, average: 'weighted' }), e.roc_auc_ovr_weighted, 'roc_auc_ovr_weighted');
      const labels = Int32Array.from({ length: c.k }, (_, i) => i);
      closeArray(confusionMatrix(y, pred, { ...opt, labels }).matrix, e.confusion_matrix, 'confusion_matrix');
    });
  }
});

describe('regression metrics match sklearn', () => {
  for (const c of fixture.regression) {
    it(c.name, () => {
      const y = Float64Array.from(c.y_true);
      const p = Float64Array.from(c.y_pred);
      const sw = w(c.sample_weight);
      close(meanSquaredError(y, p, sw), c.expected.mse, 'mse');
      close(rootMeanSquaredError(y, p, sw), c.expected.rmse, 'rmse');
      close(meanAbsoluteError(y, p, sw), c.expected.mae, 'mae');
      close(meanAbsolutePercentageError(y, p, sw), c.expected.mape, 'mape');
      close(r2Score(y, p, sw), c.expected.r2, 'r2');
    });
  }

  it('r2 of a constant target follows force_finite', () => {
    const y = Float64Array.of(2, 2, 2);
    expect(r2Score(y, Float64Array.of(2, 2, 2))).toBe(fixture.r2_constant.perfect);
    expect(r2Score(y, Float64Array.of(2, 2.5, 2))).toBe(fixture.r2_constant.imperfect);
  });
});

describe('ranking metrics match sklearn ndcg_score and the reference definitions', () => {
  for (const c of fixture.ranking) {
    it(c.name, () => {
      const y = Float64Array.from(c.y_true);
      const s = Float64Array.from(c.y_score);
      const g = Int32Array.from(c.groups);
      for (const k of [1, 3, 5, 10, 1000]) {
        close(ndcgAtK(y, s, g, k), c.expected[`ndcg@${k}`], `ndcg@${k}`);
        close(mapAtK(y, s, g, k), c.expected[`map@${k}`], `map@${k}`);
        close(precisionAtK(y, s, g, k), c.expected[`precision@${k}`], `precision@${k}`);
        close(recallAtK(y, s, g, k), c.expected[`recall@${k}`], `recall@${k}`);
      }
      close(meanReciprocalRank(y, s, g), c.expected.mrr, 'mrr');
    });
  }

  it('matrix-form ndcg_score, with cutoff and sample weights', () => {
    const m = fixture.ndcg_matrix;
    const y = Float64Array.from(m.y_true);
    const s = Float64Array.from(m.y_score);
    close(ndcgScore(y, s, m.n_labels), m.expected.all, 'ndcg all');
    close(ndcgScore(y, s, m.n_labels, { k: 3 }), m.expected.k3, 'ndcg k=3');
    close(ndcgScore(y, s, m.n_labels, { k: 5, sampleWeight: Float64Array.from(m.sample_weight) }), m.expected.k5_weighted, 'ndcg k=5 weighted');
  });

  it('sklearn docstring example: tied top scores average their gains', () => {
    // ndcg_score([[10, 0, 0, 1, 5]], [[1, 0, 0, 0, 1]], k=1) == 0.75
    const y = Float64Array.of(10, 0, 0, 1, 5);
    const s = Float64Array.of(1, 0, 0, 0, 1);
    expect(ndcgAtK(y, s, new Int32Array(5), 1)).toBeCloseTo(0.75, 14);
  });
});
