/**
 * CBPE estimates as monitor results: the `estimate` check's points (`estimated_accuracy`, `estimated_auc`,
 * `estimated_f1`, the names alert rules such as `estimated_auc < 0.75` read) and the assumption note every
 * run that carries them must state.
 */
import type { MonitorResultPoint } from '../monitor-run.js';
import { CBPE_ASSUMPTION, type CbpeEstimate } from './cbpe.js';

/** Points and notes of one window's estimate; a metric that is undefined for the window is named in a note instead. */
export function cbpeResultPoints(estimate: CbpeEstimate): { points: MonitorResultPoint[]; notes: string[] } {
  const points: MonitorResultPoint[] = [{ check: 'estimate', metric: 'estimated_accuracy', column: null, value: estimate.accuracy }];
  const notes = [CBPE_ASSUMPTION];
  if (estimate.auc !== null) points.push({ check: 'estimate', metric: 'estimated_auc', column: null, value: estimate.auc });
  else notes.push(`estimated_auc left out: the ${estimate.rows} rows' calibrated probabilities expect a single class`);
  if (estimate.f1 !== null) points.push({ check: 'estimate', metric: 'estimated_f1', column: null, value: estimate.f1 });
  return { points, notes };
}
