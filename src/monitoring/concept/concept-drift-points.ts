/**
 * Concept-drift detectors as monitor results: a window's error stream (in arrival order) is fed to the
 * detectors, and each yields a `concept` point `<detector>_drifts` (how many drifts it signalled in the
 * window; drifted when at least one) plus the window's `error_rate`. Given the states the previous window
 * returned, the detectors continue the stream across windows; without them they start fresh (stated in the
 * notes), and a drift can then only be found within one window.
 */
import { InputError } from '../../core/errors.js';
import type { MonitorResultPoint } from '../monitor-run.js';
import { detectionIndices, type ConceptDetectorState } from './concept-detector.js';
import { createConceptDetector, restoreConceptDetector } from './index.js';

/** Options of `conceptDriftResultPoints`. */
export interface ConceptPointsOptions {
  /** Detector names (default adwin, ddm, page_hinkley); ignored for detectors restored from `states`. */
  readonly detectors?: readonly string[];
  /** The states a previous window returned, to continue its stream. */
  readonly states?: readonly ConceptDetectorState[];
}

/** The concept check's points for one window's error stream (1 = wrong, 0 = right), and the detectors' states after it. */
export function conceptDriftResultPoints(errors: ArrayLike<number>, options: ConceptPointsOptions = {}): { points: MonitorResultPoint[]; notes: string[]; states: ConceptDetectorState[] } {
  const detectors = options.states?.length ? options.states.map(restoreConceptDetector) : (options.detectors ?? ['adwin', 'ddm', 'page_hinkley']).map((n) => createConceptDetector(n));
  if (errors.length === 0) return { points: [], notes: ['concept: the window holds no labelled predictions, so there is no error stream to test'], states: detectors.map((d) => d.state()) };
  let sum = 0;
  for (let i = 0; i < errors.length; i++) {
    const x = errors[i];
    if (!Number.isFinite(x)) throw new InputError(`concept: error ${i} is ${x}; the error stream holds 1 for a wrong and 0 for a right prediction`, { field: 'errors', row: i });
    sum += x;
  }
  const points: MonitorResultPoint[] = [{ check: 'concept', metric: 'error_rate', column: null, value: sum / errors.length }];
  const notes = [
    options.states?.length
      ? `concept: detectors continued from the previous window over this window's ${errors.length} labelled predictions`
      : `concept: detectors ran fresh over this window's ${errors.length} labelled predictions in arrival order`,
  ];
  for (const d of detectors) {
    const found = detectionIndices(d, errors);
    points.push({ check: 'concept', metric: `${d.name}_drifts`, column: null, value: found.drift.length, drifted: found.drift.length > 0 });
    if (found.drift.length > 0) notes.push(`concept: ${d.name} signalled drift at error ${found.drift.join(', ')} of the window`);
  }
  return { points, notes, states: detectors.map((d) => d.state()) };
}
