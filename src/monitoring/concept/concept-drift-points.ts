/**
 * Concept-drift detectors as monitor results: a window's error stream (in arrival order) is fed to fresh
 * detectors, and each yields a `concept` point `<detector>_drifts` (how many drifts it signalled in the
 * window; drifted when at least one) plus the window's `error_rate`. Detectors start fresh each window, so a
 * drift is found within a window, not across a window boundary (stated in the notes).
 */
import { InputError } from '../../core/errors.js';
import type { MonitorResultPoint } from '../monitor-run.js';
import { detectionIndices } from './concept-detector.js';
import { createConceptDetector } from './index.js';

/** The concept check's points for one window's error stream (1 = wrong, 0 = right). */
export function conceptDriftResultPoints(errors: ArrayLike<number>, detectors: readonly string[] = ['adwin', 'ddm', 'page_hinkley']): { points: MonitorResultPoint[]; notes: string[] } {
  if (errors.length === 0) return { points: [], notes: ['concept: the window holds no labelled predictions, so there is no error stream to test'] };
  let sum = 0;
  for (let i = 0; i < errors.length; i++) {
    const x = errors[i];
    if (!Number.isFinite(x)) throw new InputError(`concept: error ${i} is ${x}; the error stream holds 1 for a wrong and 0 for a right prediction`, { field: 'errors', row: i });
    sum += x;
  }
  const points: MonitorResultPoint[] = [{ check: 'concept', metric: 'error_rate', column: null, value: sum / errors.length }];
  const notes: string[] = [`concept: detectors ran fresh over this window's ${errors.length} labelled predictions in arrival order`];
  for (const name of detectors) {
    const found = detectionIndices(createConceptDetector(name), errors);
    points.push({ check: 'concept', metric: `${name}_drifts`, column: null, value: found.drift.length, drifted: found.drift.length > 0 });
    if (found.drift.length > 0) notes.push(`concept: ${name} signalled drift at error ${found.drift.join(', ')} of the window`);
  }
  return { points, notes };
}
