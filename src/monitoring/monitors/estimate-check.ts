/**
 * The `estimate` check: performance of a classifier on the window BEFORE its labels arrive, by
 * confidence-based performance estimation (`monitoring/estimation/cbpe.ts`, NannyML's CBPE). The reference
 * it calibrates on is the endpoint's labelled traffic in the `estimateReference` period (default 7d) before
 * the window starts; every class must appear among those labels. Points: `estimated_accuracy`,
 * `estimated_auc`, `estimated_f1` (binary), `estimate_reference_rows`; the CBPE assumption is stated in the
 * notes of every run that estimates.
 */
import type { Frame } from '../../core/frame.js';
import type { ModelBundle } from '../../runtime/bundle-types.js';
import { CBPE_ASSUMPTION, fitCbpe } from '../estimation/cbpe.js';
import type { MonitorResultPoint } from '../monitor-run.js';
import type { CheckOutput } from './drift-check.js';
import { probabilityRows } from './labelled-probabilities.js';

/** Estimated quality of `current` calibrated on the labelled rows of `reference` (capture joined with feedback). */
export function estimateCheck(current: Frame, reference: Frame, bundle: ModelBundle | null, referencePeriod: string): CheckOutput {
  const notes: string[] = [];
  const points: MonitorResultPoint[] = [];
  const task = bundle?.signature.task;
  if (!bundle || (task !== 'binary' && task !== 'multiclass') || !bundle.labels) {
    notes.push(`estimate: performance estimation needs a classifier with class probabilities${bundle ? ` (the model is ${task})` : ' (the endpoint\'s model could not be loaded)'}; not estimated`);
    return { points, notes };
  }
  const classes = bundle.labels;
  const ref = reference.rowCount === 0 ? { probabilities: new Float64Array(0), labels: [], rows: [], dropped: 0 } : probabilityRows(reference, classes);
  const cur = probabilityRows(current, classes);
  if (!ref || !cur) {
    notes.push(`estimate: the capture lacks class probabilities (proba_${classes.join(', proba_')}); not estimated`);
    return { points, notes };
  }
  const labelled = ref.labels.map((l, i) => [l, i] as const).filter(([l]) => l !== null && classes.includes(l));
  const k = classes.length;
  const seen = new Set(labelled.map(([l]) => l));
  if (labelled.length === 0 || seen.size < k) {
    notes.push(`estimate: the ${referencePeriod} before the window hold ${labelled.length} labelled predictions${seen.size < k ? ` covering ${seen.size} of ${k} classes` : ''}; CBPE calibrates on labelled traffic with every class, so nothing is estimated yet`);
    return { points, notes };
  }
  const refProba = new Float64Array(labelled.length * k);
  labelled.forEach(([, i], r) => refProba.set(ref.probabilities.subarray(i * k, i * k + k), r * k));
  const model = fitCbpe({ probabilities: refProba, classes, labels: labelled.map(([l]) => l as string) });
  if (cur.rows.length === 0) {
    notes.push('estimate: no row of the window has usable probabilities; not estimated');
    return { points, notes };
  }
  const est = model.estimate(cur.probabilities);
  const add = (metric: string, value: number | null): void => {
    if (value !== null && Number.isFinite(value)) points.push({ check: 'estimate', metric, column: null, value });
  };
  add('estimated_accuracy', est.accuracy);
  add('estimated_auc', est.auc);
  add('estimated_f1', est.f1);
  add('estimate_reference_rows', labelled.length);
  if (est.auc === null) notes.push('estimate: the window\'s expected labels hold one class only, so no AUC is estimated');
  if (cur.dropped > 0) notes.push(`estimate: ${cur.dropped} rows with missing or non-finite probabilities were left out`);
  notes.push(`estimate: ${CBPE_ASSUMPTION}`);
  return { points, notes };
}
