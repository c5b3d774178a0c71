/**
 * The runtime contract every expectation implements: a streaming check fed one chunk at a time, with
 * bounded state, that flags failing rows (row-level checks) and reports an outcome after the last chunk.
 */
import type { Frame } from '../../core/frame.js';

/** A JSON-serializable value (what `observed` may hold). */
export type JsonValue = number | string | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Data-quality dimensions that expectations feed (see docs/specs/expectation-suite.md). */
export type QualityDimension = 'completeness' | 'validity' | 'consistency' | 'uniqueness' | 'timeliness';

/** Where row-level checks write the chunk-relative indices of failing rows (reused across checks). */
export interface FailureBuffer {
  rows: Int32Array;
  count: number;
}

/** What a check needs from the caller besides the data. */
export interface CheckContext {
  /** Reference data for distribution checks. */
  readonly reference: Frame | undefined;
  /** "Now" for freshness checks (injectable clock). */
  readonly now: Date;
  /** Strings longer than this are not run through regexes (they fail the check instead). */
  readonly maxStringLength: number;
  /** Expectation id, for error messages. */
  readonly id: string;
}

/** The outcome of one expectation after the last chunk. */
export interface CheckOutcome {
  readonly success: boolean;
  readonly observed: JsonValue;
  readonly message: string;
  /** For column checks: missing cells seen (feeds the completeness score). */
  readonly missingCells?: number;
}

/** A compiled, stateful expectation. */
export interface ExpectationCheck {
  /** Observe one chunk; row-level checks append failing chunk-relative row indices to `out`. */
  observe(frame: Frame, out: FailureBuffer): void;
  /** The outcome over all chunks; `rows` is the total row count, `failingRows` what row-level flagging counted. */
  finish(rows: number, failingRows: number): CheckOutcome;
}

/** Outcome of a column check whose column never appeared. */
export function columnNotFound(column: string): CheckOutcome {
  return { success: false, observed: null, message: `column "${column}" not found` };
}

/** Outcome of a row-level check from its failing-row count. */
export function rowLevelOutcome(failingRows: number, rows: number, what: string): CheckOutcome {
  return failingRows === 0
    ? { success: true, observed: { failingRows: 0, failingFraction: 0 }, message: `all values ${what}` }
    : {
        success: false,
        observed: { failingRows, failingFraction: rows > 0 ? failingRows / rows : 0 },
        message: `${failingRows} of ${rows} rows: value not ${what}`,
      };
}
