/**
 * The `quality` check (also spelled `performance`): predictions of the window joined to their feedback
 * labels on prediction id, scored with the training metrics (`ml/metrics`): accuracy, precision, recall,
 * f1, auc (ROC AUC), log loss, brier for binary models; accuracy, f1_macro, auc (one-vs-rest) for
 * multiclass; rmse, mae, mape, r2 for regression. Only labeled rows count; `labeled_rows` and
 * `label_coverage` say how many. With a label delay the service hands this check the window shifted back
 * by the delay, so labels have had time to arrive.
 */
import type { Column } from '../../core/frame.js';
import { cellValue, isMissing } from '../../core/frame.js';
import type { Frame } from '../../core/frame.js';
import { evaluateClassification, evaluateRegression } from '../../ml/metrics/evaluate.js';
import type { ModelBundle } from '../../runtime/bundle-types.js';
import type { MonitorResultPoint } from '../monitor-run.js';
import type { CheckOutput } from './drift-check.js';

const RENAMED: Readonly<Record<string, string>> = { roc_auc: 'auc', roc_auc_ovr: 'auc' };

function textAt(col: Column, i: number): string | null {
  if (isMissing(col, i)) return null;
  const v = cellValue(col, i);
  return v === null ? null : String(v);
}

function numberAt(col: Column, i: number): number {
  if (isMissing(col, i)) return Number.NaN;
  const v = cellValue(col, i);
  return typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
}

/** Quality metrics of `joined` (capture rows with `label` from feedback) for the endpoint's model. */
export function qualityCheck(joined: Frame, bundle: ModelBundle | null, window: string): CheckOutput {
  const notes: string[] = [];
  const points: MonitorResultPoint[] = [];
  const label = joined.tryColumn('label');
  const rows: number[] = [];
  if (label) for (let i = 0; i < joined.rowCount; i++) if (!isMissing(label, i)) rows.push(i);
  const add = (metric: string, value: number): void => {
    if (Number.isFinite(value)) points.push({ check: 'quality', metric, column: null, value });
    else notes.push(`quality: ${metric} is not a finite number; left out`);
  };
  add('labeled_rows', rows.length);
  if (joined.rowCount > 0) add('label_coverage', rows.length / joined.rowCount);
  if (!bundle) {
    notes.push('quality: the endpoint\'s model could not be loaded, so its task and labels are unknown; no quality metrics');
    return { points, notes };
  }
  if (rows.length === 0 || !label) {
    notes.push(`quality: no feedback labels yet for the predictions of ${window}; metrics come once labels arrive`);
    return { points, notes };
  }
  const task = bundle.signature.task;
  let metrics: Record<string, number>;
  if (task === 'binary' || task === 'multiclass') {
    const labels = bundle.labels ?? [];
    const codes = new Map(labels.map((l, k) => [l, k]));
    const probaCols = labels.map((l) => joined.tryColumn(`proba_${l}`));
    if (probaCols.some((c) => !c)) {
      notes.push(`quality: the capture lacks class probabilities (proba_${labels.join(', proba_')}); no quality metrics`);
      return { points, notes };
    }
    const usable: number[] = [];
    let unknownLabels = 0;
    let badProba = 0;
    for (const i of rows) {
      const code = codes.get(textAt(label, i) ?? '');
      if (code === undefined) unknownLabels++;
      else if (probaCols.some((c) => !Number.isFinite(numberAt(c as Column, i)))) badProba++;
      else usable.push(i);
    }
    if (unknownLabels > 0) notes.push(`quality: ${unknownLabels} labels are not classes of the model (${labels.join(', ')}); left out`);
    if (badProba > 0) notes.push(`quality: ${badProba} labeled rows have missing or non-finite probabilities; left out`);
    if (usable.length === 0) return { points, notes };
    const yTrue = Int32Array.from(usable, (i) => codes.get(textAt(label, i) ?? '') ?? -1);
    const proba = new Float64Array(usable.length * labels.length);
    usable.forEach((i, r) => probaCols.forEach((c, k) => (proba[r * labels.length + k] = numberAt(c as Column, i))));
    metrics = evaluateClassification(yTrue, proba, labels);
    add('evaluated_rows', usable.length);
  } else if (task === 'regression') {
    const pred = joined.tryColumn('prediction');
    if (!pred) {
      notes.push('quality: the capture has no prediction column; no quality metrics');
      return { points, notes };
    }
    const usable = rows.filter((i) => Number.isFinite(numberAt(label, i)) && Number.isFinite(numberAt(pred, i)));
    if (usable.length < rows.length) notes.push(`quality: ${rows.length - usable.length} labeled rows have a non-numeric label or prediction; left out`);
    if (usable.length === 0) return { points, notes };
    metrics = evaluateRegression(Float64Array.from(usable, (i) => numberAt(label, i)), Float64Array.from(usable, (i) => numberAt(pred, i)));
    add('evaluated_rows', usable.length);
  } else {
    notes.push(`quality: ${task} models are not scored by monitors yet`);
    return { points, notes };
  }
  for (const [name, value] of Object.entries(metrics)) add(RENAMED[name] ?? name, value);
  return { points, notes };
}
