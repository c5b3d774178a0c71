/**
 * The `concept` check: a streaming concept-drift detector (`monitoring/concept`: ADWIN by default, DDM or
 * Page-Hinkley) over the error stream of the labelled predictions in the quality window (the window shifted
 * back by the label delay), in arrival order: 1 for a wrong class, 0 for a right one (classifiers), or the
 * absolute error (regressors; DDM takes 0/1 errors only, so it is refused for them). Each run starts the
 * detector afresh on its window. Points: `concept_drift` (1 or 0, with `drifted`), `concept_drifts` and
 * `concept_warnings` (signals in the stream), `error_stream_rows`, `error_rate` (classifiers) or
 * `mean_abs_error` (regressors); the first drift's time is in the notes.
 */
import { UsageError } from '../../core/errors.js';
import type { Column, Frame } from '../../core/frame.js';
import { cellValue, isMissing } from '../../core/frame.js';
import type { ModelBundle } from '../../runtime/bundle-types.js';
import { createConceptDetector } from '../concept/index.js';
import type { MonitorResultPoint } from '../monitor-run.js';
import type { CheckOutput } from './drift-check.js';

function valueAt(col: Column, i: number): string | number | null {
  if (isMissing(col, i)) return null;
  const v = cellValue(col, i);
  return typeof v === 'boolean' ? String(v) : v;
}

/** Concept drift over the error stream of `joined` (capture rows with feedback `label`, ordered by time). */
export function conceptCheck(joined: Frame, bundle: ModelBundle | null, detectorName: string, window: string): CheckOutput {
  const notes: string[] = [];
  const points: MonitorResultPoint[] = [];
  const label = joined.tryColumn('label');
  const pred = joined.tryColumn('prediction');
  const received = joined.tryColumn('received_at');
  if (!bundle) {
    notes.push('concept: the endpoint\'s model could not be loaded, so its task is unknown; no error stream');
    return { points, notes };
  }
  const task = bundle.signature.task;
  if (task !== 'binary' && task !== 'multiclass' && task !== 'regression') {
    notes.push(`concept: ${task} models have no error stream here`);
    return { points, notes };
  }
  if (task === 'regression' && detectorName === 'ddm') throw new UsageError('the ddm detector reads 0/1 errors and cannot watch a regressor\'s absolute errors', { field: 'conceptDetector' }, 'Use adwin or page_hinkley.');
  const stream: number[] = [];
  const times: number[] = [];
  if (label && pred) {
    for (let i = 0; i < joined.rowCount; i++) {
      const y = valueAt(label, i);
      const p = valueAt(pred, i);
      if (y === null || p === null) continue;
      if (task === 'regression') {
        const e = Math.abs(Number(y) - Number(p));
        if (!Number.isFinite(e)) continue;
        stream.push(e);
      } else stream.push(String(y) === String(p) ? 0 : 1);
      times.push(received && received.type === 'timestamp' ? received.values[i] : Number.NaN);
    }
  }
  if (stream.length === 0) {
    notes.push(`concept: no labelled predictions in ${window}; the detector has no error stream yet`);
    return { points, notes };
  }
  const detector = createConceptDetector(detectorName);
  let drifts = 0;
  let warnings = 0;
  let first = -1;
  stream.forEach((x, i) => {
    const s = detector.update(x);
    if (s === 'drift') {
      drifts++;
      if (first < 0) first = i;
    } else if (s === 'warning') warnings++;
  });
  const mean = stream.reduce((a, b) => a + b, 0) / stream.length;
  points.push({ check: 'concept', metric: 'concept_drift', column: null, value: drifts > 0 ? 1 : 0, drifted: drifts > 0 });
  points.push({ check: 'concept', metric: 'concept_drifts', column: null, value: drifts });
  points.push({ check: 'concept', metric: 'concept_warnings', column: null, value: warnings });
  points.push({ check: 'concept', metric: 'error_stream_rows', column: null, value: stream.length });
  points.push({ check: 'concept', metric: task === 'regression' ? 'mean_abs_error' : 'error_rate', column: null, value: mean });
  if (first >= 0) notes.push(`concept: ${detectorName} signalled drift at labelled prediction ${first + 1} of ${stream.length}${Number.isFinite(times[first]) ? ` (received ${new Date(times[first]).toISOString()})` : ''}`);
  return { points, notes };
}
