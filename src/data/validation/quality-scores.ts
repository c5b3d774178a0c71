/**
 * Data-quality scores in [0, 1] derived from a validation run (definitions in
 * docs/specs/expectation-suite.md): completeness, validity, consistency, uniqueness, timeliness and
 * their mean, `overall`. A dimension without applicable expectations is null.
 */

/** The six scores of a validation result. */
export interface QualityScores {
  readonly completeness: number | null;
  readonly validity: number | null;
  readonly consistency: number | null;
  readonly uniqueness: number | null;
  readonly timeliness: number | null;
  readonly overall: number | null;
}

/** What the validator counted for the scores. */
export interface ScoreInputs {
  readonly rows: number;
  /** Per completeness expectation: missing cells (of `rows`). */
  readonly missingCells: readonly number[];
  /** Number of validity expectations, and whether a whole-column one (column_type) failed. */
  readonly validityCount: number;
  readonly validityColumnFailed: boolean;
  /** Rows flagged by at least one row-level validity / consistency / uniqueness expectation. */
  readonly invalidRows: number;
  readonly consistencyCount: number;
  readonly inconsistentRows: number;
  readonly uniquenessCount: number;
  readonly duplicateRows: number;
  /** Outcomes of the timeliness (freshness) expectations. */
  readonly timeliness: readonly boolean[];
}

const rowShare = (count: number, badRows: number, rows: number): number | null => (count === 0 ? null : rows === 0 ? 1 : 1 - badRows / rows);

/** Compute the scores from the counts. */
export function computeQualityScores(s: ScoreInputs): QualityScores {
  const completeness = s.missingCells.length === 0 ? null : s.rows === 0 ? 1 : 1 - s.missingCells.reduce((a, b) => a + b, 0) / (s.rows * s.missingCells.length);
  const validity = s.validityCount === 0 ? null : s.validityColumnFailed ? 0 : rowShare(s.validityCount, s.invalidRows, s.rows);
  const consistency = rowShare(s.consistencyCount, s.inconsistentRows, s.rows);
  const uniqueness = rowShare(s.uniquenessCount, s.duplicateRows, s.rows);
  const timeliness = s.timeliness.length === 0 ? null : s.timeliness.filter(Boolean).length / s.timeliness.length;
  const present = [completeness, validity, consistency, uniqueness, timeliness].filter((x): x is number => x !== null);
  const overall = present.length === 0 ? null : present.reduce((a, b) => a + b, 0) / present.length;
  return { completeness, validity, consistency, uniqueness, timeliness, overall };
}
