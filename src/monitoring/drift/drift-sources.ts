/**
 * Drift between two sources on disk (files or dataset versions, resolved by the caller): streams both
 * through the readers into `driftReport`, so the CLI and the HTTP API share one path.
 */
import { readFrameChunks } from '../../data/io/read-frame.js';
import type { ReadOptions } from '../../data/io/read-options.js';
import { driftReport } from './drift-report.js';
import type { DriftReport, DriftReportOptions } from './drift-report.js';

/** A readable source: a local path and how to read it. */
export interface DriftSource {
  readonly path: string;
  readonly readOptions: ReadOptions;
}

/** Compare two readable sources. */
export function driftBetweenSources(reference: DriftSource, current: DriftSource, opts: DriftReportOptions = {}): Promise<DriftReport> {
  return driftReport(readFrameChunks(reference.path, reference.readOptions), readFrameChunks(current.path, current.readOptions), opts);
}
