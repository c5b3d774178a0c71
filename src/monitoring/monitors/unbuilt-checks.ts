/**
 * Checks that are named in the monitor contract but whose algorithms are not in this build: `estimate`
 * (confidence-based performance estimation) and `concept` (streaming concept-drift detectors). A monitor
 * asking for one is refused at create and at run with a UsageError that says so, never silently skipped.
 */
import { UsageError } from '../../core/errors.js';
import type { MonitorCheck } from '../monitor-run.js';

const UNBUILT: Readonly<Partial<Record<MonitorCheck, string>>> = {
  estimate: 'performance estimation without labels (CBPE)',
  concept: 'streaming concept-drift detection (ADWIN, DDM, Page-Hinkley)',
};

/** Throws a UsageError when `check` is not built yet. */
export function unbuiltCheck(check: MonitorCheck): void {
  const what = UNBUILT[check];
  if (what) throw new UsageError(`the ${check} check (${what}) is not built yet`, { field: 'checks', check }, 'Leave it out of --checks; drift, data_quality, quality (performance) and operational are available.');
}
