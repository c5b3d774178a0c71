/**
 * The model-agnostic explainers (permutation importance, partial dependence, KernelSHAP) see a model
 * as a function of a Frame. These adapters build those functions from a compiled bundle: the value a
 * curve shows per row (P(positive class), P(class), or the regression value), the raw score
 * TreeSHAP and KernelSHAP attribute, and a greater-is-better metric score against the target column.
 */
import { InputError } from '../../core/errors.js';
import type { Frame } from '../../core/frame.js';
import { cellValue, isMissing } from '../../core/frame.js';
import type { Scorer } from '../../runtime/scorer.js';
import { getMetric } from '../metrics/metric-registry.js';

/** Per-row value a partial dependence curve shows: P(labels[1]) for binary, P(class) for multiclass, else the prediction. */
export function predictionFunction(scorer: Scorer, classLabel?: string): (f: Frame) => Float64Array {
  const task = scorer.signature.task;
  const labels = scorer.bundle.labels ?? [];
  if (task === 'multiclass') {
    const k = classLabel === undefined ? 0 : labels.indexOf(classLabel);
    if (k < 0) throw new InputError(`class "${classLabel}" is not one of the model's labels (${labels.join(', ')})`, { field: 'class' });
    return (f) => {
      const s = scorer.predict(f);
      return Float64Array.from({ length: s.rows }, (_, i) => (s.probabilities as Float64Array)[i * labels.length + k]);
    };
  }
  if (task === 'binary') return (f) => Float64Array.from(scorer.predict(f).probability as Float64Array);
  return (f) => Float64Array.from(scorer.predict(f).prediction as number[]);
}

/** Raw model scores (log-odds for binary GBDT), output `k` of each row. */
export function rawFunction(scorer: Scorer, k = 0): (f: Frame) => Float64Array {
  const K = scorer.predictor.outputs;
  return (f) => {
    const raw = scorer.predictor.predictRaw(scorer.pipeline.transform(f));
    return K === 1 ? raw : Float64Array.from({ length: raw.length / K }, (_, i) => raw[i * K + k]);
  };
}

/** The default metric of a task (scikit-learn's `estimator.score`: accuracy or r2). */
export function defaultMetric(scorer: Scorer): string {
  return scorer.signature.task === 'binary' || scorer.signature.task === 'multiclass' ? 'accuracy' : 'r2';
}

/**
 * A greater-is-better score of the model on a frame against the frame's target column: the metric, or
 * its negation for losses (scikit-learn's `neg_*` scorers).
 */
export function metricScoreFunction(scorer: Scorer, frame: Frame, metricName: string): (f: Frame) => number {
  const metric = getMetric(metricName);
  const target = scorer.signature.target;
  const col = frame.tryColumn(target);
  if (!col) throw new InputError(`permutation importance needs the target column "${target}" in the data`, { column: target }, 'Pass labelled data (the column the model was trained to predict).');
  const n = frame.rowCount;
  for (let i = 0; i < n; i++) if (isMissing(col, i)) throw new InputError(`target column "${target}" is missing at row ${i + 1}`, { column: target, row: i + 1 });
  const sign = metric.higherIsBetter ? 1 : -1;
  const task = scorer.signature.task;
  if (metric.task === 'classification') {
    if (task !== 'binary' && task !== 'multiclass') throw new InputError(`metric ${metricName} is for classifiers; this model does ${task}`, { field: 'metric' });
    const labels = scorer.bundle.labels ?? [];
    const yTrue = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const k = labels.indexOf(String(cellValue(col, i)));
      if (k < 0) throw new InputError(`target value ${JSON.stringify(cellValue(col, i))} at row ${i + 1} is not one of the model's classes (${labels.join(', ')})`, { column: target, row: i + 1 });
      yTrue[i] = k;
    }
    return (f) => {
      const s = scorer.predict(f);
      let proba = s.probabilities;
      if (!proba) {
        const p = s.probability as Float64Array;
        proba = new Float64Array(2 * p.length);
        for (let i = 0; i < p.length; i++) {
          proba[2 * i] = 1 - p[i];
          proba[2 * i + 1] = p[i];
        }
      }
      return sign * metric.compute({ yTrue, proba, nClasses: labels.length });
    };
  }
  if (metric.task === 'regression') {
    if (col.type !== 'numeric') throw new InputError(`metric ${metricName} needs a numeric target; "${target}" is ${col.type}`, { column: target });
    const yTrue = Float64Array.from(col.values);
    return (f) => sign * metric.compute({ yTrue, yPred: Float64Array.from(scorer.predict(f).prediction as number[]) });
  }
  throw new InputError(`metric ${metricName} is a ranking metric; permutation importance supports classification and regression metrics`, { field: 'metric' });
}
