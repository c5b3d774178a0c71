/**
 * `METRICS`: every metric Kiln can compute by name, with its task and direction, so tracking and tuning
 * can look one up from a string (`roc_auc`, `log_loss`, `rmse`, `ndcg@10`, ...). Adding a metric is one
 * entry here. Cutoff metrics (`ndcg@k`, `map@k`, `precision@k`, `recall@k`) accept any k through
 * `getMetric`; the common cutoffs are listed in `METRICS` as well.
 */
import { NotFoundError, InputError } from '../../core/errors.js';
import { accuracy, balancedAccuracy } from './accuracy.js';
import { averagePrecision } from './precision-recall-curve.js';
import { ndcgAtK } from './ndcg.js';
import { precisionRecallFscore } from './precision-recall-f1.js';
import type { Averaging } from './precision-recall-f1.js';
import { binaryLogLoss, brierScore, logLoss } from './probability-losses.js';
import { mapAtK, meanReciprocalRank, precisionAtK, recallAtK } from './ranking-metrics.js';
import { meanAbsoluteError, meanAbsolutePercentageError, meanSquaredError, r2Score, rootMeanSquaredError } from './regression-metrics.js';
import { rocAuc, rocAucOvr } from './roc.js';

/** Predicted class probabilities: `proba` is n x nClasses row-major, y_true holds codes 0..nClasses-1. */
export interface ClassificationData {
  yTrue: Int32Array;
  proba: Float64Array;
  nClasses: number;
  sampleWeight?: Float64Array;
}

/** Numeric targets and predictions. */
export interface RegressionData {
  yTrue: Float64Array;
  yPred: Float64Array;
  sampleWeight?: Float64Array;
}

/** Graded relevance (>= 0), scores and a query id per row. */
export interface RankingData {
  yTrue: Float64Array;
  yScore: Float64Array;
  groups: Int32Array;
}

interface MetricInfo {
  /** True when larger values are better (accuracy); false for losses (log_loss, rmse). */
  higherIsBetter: boolean;
  description: string;
}

/** A metric that can be computed by name, tagged by the data it needs. */
export type MetricDefinition =
  | (MetricInfo & { task: 'classification'; compute(data: ClassificationData): number })
  | (MetricInfo & { task: 'regression'; compute(data: RegressionData): number })
  | (MetricInfo & { task: 'ranking'; compute(data: RankingData): number });

/** The tasks metrics are grouped by. */
export type MetricTask = MetricDefinition['task'];

/** Predicted class per row: the first column with the largest probability (numpy argmax). */
export function argmaxLabels(proba: Float64Array, nClasses: number): Int32Array {
  const n = Math.floor(proba.length / nClasses);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestP = proba[i * nClasses];
    for (let c = 1; c < nClasses; c++) {
      const p = proba[i * nClasses + c];
      if (p > bestP) {
        bestP = p;
        best = c;
      }
    }
    out[i] = best;
  }
  return out;
}

/** The positive-class (code 1) probability column of a binary n x 2 matrix. */
export function positiveColumn(metric: string, data: ClassificationData): Float64Array {
  if (data.nClasses !== 2) {
    throw new InputError(`${metric} is a binary metric but the model has ${data.nClasses} classes; use a multiclass metric (e.g. f1_macro, roc_auc_ovr)`, {
      field: 'metric',
    });
  }
  const n = data.yTrue.length;
  if (data.proba.length !== n * 2) {
    throw new InputError(`${metric}: proba has ${data.proba.length} values, expected ${n} rows x 2 classes`, { field: 'proba' });
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = data.proba[i * 2 + 1];
  return out;
}

function weightOpt(w: Float64Array | undefined): { sampleWeight?: Float64Array } {
  return w ? { sampleWeight: w } : {};
}

function prf(name: string, average: Averaging, part: 'precision' | 'recall' | 'fscore') {
  return (d: ClassificationData): number => {
    if (average === 'binary' && d.nClasses !== 2) {
      throw new InputError(`${name} is a binary metric but the model has ${d.nClasses} classes; use ${name}_macro or ${name}_weighted`, { field: 'metric' });
    }
    return precisionRecallFscore(d.yTrue, argmaxLabels(d.proba, d.nClasses), { average, ...weightOpt(d.sampleWeight) })[part];
  };
}

function classification(higherIsBetter: boolean, description: string, compute: (d: ClassificationData) => number): MetricDefinition {
  return { task: 'classification', higherIsBetter, description, compute };
}

function regression(higherIsBetter: boolean, description: string, compute: (d: RegressionData) => number): MetricDefinition {
  return { task: 'regression', higherIsBetter, description, compute };
}

function ranking(higherIsBetter: boolean, description: string, compute: (d: RankingData) => number): MetricDefinition {
  return { task: 'ranking', higherIsBetter, description, compute };
}

const CUTOFF_METRICS: Record<string, (k: number) => MetricDefinition> = {
  ndcg: (k) => ranking(true, `NDCG@${k} averaged over queries (sklearn ndcg_score per query)`, (d) => ndcgAtK(d.yTrue, d.yScore, d.groups, k)),
  map: (k) => ranking(true, `mean average precision@${k} over queries`, (d) => mapAtK(d.yTrue, d.yScore, d.groups, k)),
  precision: (k) => ranking(true, `precision@${k} averaged over queries`, (d) => precisionAtK(d.yTrue, d.yScore, d.groups, k)),
  recall: (k) => ranking(true, `recall@${k} averaged over queries`, (d) => recallAtK(d.yTrue, d.yScore, d.groups, k)),
};

/** Every named metric. */
export const METRICS: Readonly<Record<string, MetricDefinition>> = Object.freeze({
  accuracy: classification(true, 'fraction of rows whose argmax class is the true class', (d) =>
    accuracy(d.yTrue, argmaxLabels(d.proba, d.nClasses), d.sampleWeight),
  ),
  balanced_accuracy: classification(true, 'mean per-class recall', (d) => balancedAccuracy(d.yTrue, argmaxLabels(d.proba, d.nClasses), d.sampleWeight)),
  precision: classification(true, 'precision of class 1 (binary)', prf('precision', 'binary', 'precision')),
  recall: classification(true, 'recall of class 1 (binary)', prf('recall', 'binary', 'recall')),
  f1: classification(true, 'F1 of class 1 (binary)', prf('f1', 'binary', 'fscore')),
  precision_macro: classification(true, 'unweighted mean of per-class precision', prf('precision', 'macro', 'precision')),
  recall_macro: classification(true, 'unweighted mean of per-class recall', prf('recall', 'macro', 'recall')),
  f1_macro: classification(true, 'unweighted mean of per-class F1', prf('f1', 'macro', 'fscore')),
  f1_micro: classification(true, 'F1 of pooled counts (equals accuracy for single-label data)', prf('f1', 'micro', 'fscore')),
  f1_weighted: classification(true, 'per-class F1 weighted by true class support', prf('f1', 'weighted', 'fscore')),
  roc_auc: classification(true, 'area under the ROC curve (binary)', (d) => {
    if (d.nClasses !== 2) throw new InputError(`roc_auc is binary but the model has ${d.nClasses} classes; use roc_auc_ovr`, { field: 'metric' });
    return rocAuc(d.yTrue, positiveColumn('roc_auc', d), weightOpt(d.sampleWeight));
  }),
  roc_auc_ovr: classification(true, 'one-vs-rest ROC AUC, macro average', (d) =>
    rocAucOvr(d.yTrue, d.proba, d.nClasses, { average: 'macro', ...weightOpt(d.sampleWeight) }),
  ),
  roc_auc_ovr_weighted: classification(true, 'one-vs-rest ROC AUC weighted by class prevalence', (d) =>
    rocAucOvr(d.yTrue, d.proba, d.nClasses, { average: 'weighted', ...weightOpt(d.sampleWeight) }),
  ),
  average_precision: classification(true, 'step-wise area under the precision-recall curve (binary)', (d) =>
    averagePrecision(d.yTrue, positiveColumn('average_precision', d), weightOpt(d.sampleWeight)),
  ),
  log_loss: classification(false, 'cross-entropy of the predicted probabilities', (d) =>
    d.nClasses === 2
      ? binaryLogLoss(d.yTrue, positiveColumn('log_loss', d), weightOpt(d.sampleWeight))
      : logLoss(d.yTrue, d.proba, d.nClasses, weightOpt(d.sampleWeight)),
  ),
  brier: classification(false, 'mean squared error of the class-1 probability (binary)', (d) =>
    brierScore(d.yTrue, positiveColumn('brier', d), weightOpt(d.sampleWeight)),
  ),
  mse: regression(false, 'mean squared error', (d) => meanSquaredError(d.yTrue, d.yPred, d.sampleWeight)),
  rmse: regression(false, 'root mean squared error', (d) => rootMeanSquaredError(d.yTrue, d.yPred, d.sampleWeight)),
  mae: regression(false, 'mean absolute error', (d) => meanAbsoluteError(d.yTrue, d.yPred, d.sampleWeight)),
  mape: regression(false, 'mean absolute percentage error (fraction, not %)', (d) => meanAbsolutePercentageError(d.yTrue, d.yPred, d.sampleWeight)),
  r2: regression(true, 'coefficient of determination', (d) => r2Score(d.yTrue, d.yPred, d.sampleWeight)),
  'ndcg@5': CUTOFF_METRICS.ndcg(5),
  'ndcg@10': CUTOFF_METRICS.ndcg(10),
  'map@10': CUTOFF_METRICS.map(10),
  'precision@10': CUTOFF_METRICS.precision(10),
  'recall@10': CUTOFF_METRICS.recall(10),
  mrr: ranking(true, 'mean reciprocal rank of the first relevant row', (d) => meanReciprocalRank(d.yTrue, d.yScore, d.groups)),
});

/** Look a metric up by name; `ndcg@k`, `map@k`, `precision@k`, `recall@k` work for any positive k. */
export function getMetric(name: string): MetricDefinition {
  if (Object.prototype.hasOwnProperty.call(METRICS, name)) return METRICS[name];
  const m = /^(ndcg|map|precision|recall)@([1-9][0-9]*)$/.exec(name);
  if (m) return CUTOFF_METRICS[m[1]](Number(m[2]));
  throw new NotFoundError(`unknown metric '${name}'`, { field: 'metric' }, `known metrics: ${Object.keys(METRICS).join(', ')} (and name@k for ndcg, map, precision, recall)`);
}
