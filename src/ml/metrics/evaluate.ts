/**
 * The standard metric set per task, computed in one call from the registry: what training reports,
 * tracking stores and cross-validation averages. A metric that is undefined on this particular data
 * (ROC AUC when the evaluation rows hold one class, R² on one row) is reported as NaN instead of
 * failing the whole evaluation; malformed input (lengths, NaN predictions) still throws InputError.
 */
import { InputError, KilnError } from '../../core/errors.js';
import { METRICS } from './metric-registry.js';
import type { ClassificationData, RankingData, RegressionData } from './metric-registry.js';
import { checkPaired, requireFinite, requireLength, requireNonEmpty, requireWeights } from './metric-input-checks.js';
import { checkRankingInput } from './query-groups.js';

/** Metrics reported for binary classification. */
export const BINARY_METRICS = ['accuracy', 'balanced_accuracy', 'precision', 'recall', 'f1', 'roc_auc', 'average_precision', 'log_loss', 'brier'] as const;
/** Metrics reported for multiclass classification. */
export const MULTICLASS_METRICS = ['accuracy', 'balanced_accuracy', 'f1_macro', 'f1_weighted', 'log_loss', 'roc_auc_ovr'] as const;
/** Metrics reported for regression. */
export const REGRESSION_METRICS = ['rmse', 'mse', 'mae', 'mape', 'r2'] as const;
/** Metrics reported for ranking. */
export const RANKING_METRICS = ['ndcg@5', 'ndcg@10', 'map@10', 'mrr'] as const;

function computeAll(names: readonly string[], compute: (name: string) => number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const name of names) {
    try {
      out[name] = compute(name);
    } catch (err) {
      // Inputs were validated up front, so an InputError here means "undefined on this data".
      if (err instanceof KilnError && err.code === 'input') out[name] = NaN;
      else throw err;
    }
  }
  return out;
}

/**
 * Standard classification metrics from class probabilities. `proba` is n x labels.length row-major,
 * y_true holds codes 0..labels.length-1; two labels give the binary set (class 1 positive).
 */
export function evaluateClassification(yTrue: Int32Array, proba: Float64Array, labels: readonly string[], sampleWeight?: Float64Array): Record<string, number> {
  const metric = 'evaluate_classification';
  const k = labels.length;
  if (k < 2) throw new InputError(`${metric}: needs at least 2 class labels, got ${k}`, { field: 'labels' });
  const n = yTrue.length;
  requireNonEmpty(metric, n);
  requireLength(metric, `proba (n x ${k})`, proba, n * k);
  requireFinite(metric, 'proba', proba);
  requireWeights(metric, sampleWeight, n);
  for (let i = 0; i < n; i++) {
    if (!(yTrue[i] >= 0 && yTrue[i] < k)) {
      throw new InputError(`${metric}: y_true has class code ${yTrue[i]} at row ${i}, but there are ${k} labels (${labels.join(', ')})`, {
        field: 'y_true',
        row: i,
      });
    }
  }
  const data: ClassificationData = { yTrue, proba, nClasses: k, ...(sampleWeight ? { sampleWeight } : {}) };
  const names = k === 2 ? BINARY_METRICS : MULTICLASS_METRICS;
  return computeAll(names, (name) => {
    const def = METRICS[name];
    if (def.task !== 'classification') throw new InputError(`${name} is not a classification metric`);
    return def.compute(data);
  });
}

/** Standard regression metrics. */
export function evaluateRegression(yTrue: Float64Array, yPred: Float64Array, sampleWeight?: Float64Array): Record<string, number> {
  checkPaired('evaluate_regression', yTrue, yPred, 'y_pred', sampleWeight);
  const data: RegressionData = { yTrue, yPred, ...(sampleWeight ? { sampleWeight } : {}) };
  return computeAll(REGRESSION_METRICS, (name) => {
    const def = METRICS[name];
    if (def.task !== 'regression') throw new InputError(`${name} is not a regression metric`);
    return def.compute(data);
  });
}

/** Standard ranking metrics over queries (`groups` = query id per row, relevance >= 0). */
export function evaluateRanking(yTrue: Float64Array, yScore: Float64Array, groups: Int32Array): Record<string, number> {
  checkRankingInput('evaluate_ranking', yTrue, yScore, groups);
  const data: RankingData = { yTrue, yScore, groups };
  return computeAll(RANKING_METRICS, (name) => {
    const def = METRICS[name];
    if (def.task !== 'ranking') throw new InputError(`${name} is not a ranking metric`);
    return def.compute(data);
  });
}
