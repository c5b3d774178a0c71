/**
 * The profile wire format (`profileVersion: 1`) and the options that shape it. This JSON is a public,
 * stable contract (see docs/specs/profile.md): add fields, never rename or repurpose them. Statistics
 * that do not apply to a column are `null`, never NaN.
 */
import type { ColumnType } from '../../core/schema.js';

/** Version of the profile JSON written by this code. */
export const PROFILE_VERSION = 1;

/** Knobs for `profileFrames`; every field has a documented default. */
export interface ProfileOptions {
  /** Equal-width histogram bins for numeric and timestamp columns (default 20). */
  histogramBins?: number;
  /** Most frequent values listed for categorical, boolean and text columns (default 10). */
  topK?: number;
  /** Distinct values counted exactly per column; past it a HyperLogLog sketch (default 100_000). */
  exactDistinctLimit?: number;
  /** Non-missing values per column up to which quantiles are exact; past it a KLL sketch (default 1_000_000). */
  exactQuantileLimit?: number;
  /** Compute Pearson and Cramér's V matrices (default true). */
  correlation?: boolean;
  /** Columns each correlation matrix covers at most (default 100; the rest are reported as omitted). */
  correlationMaxColumns?: number;
  /** Categorical/boolean columns with more distinct values are left out of Cramér's V (default 50). */
  cramersVMaxCategories?: number;
  /** Called after each chunk with the number of rows profiled so far. */
  onProgress?: (rowsDone: number) => void;
}

/** The seven reported quantiles (linear interpolation between order statistics when exact). */
export interface Quantiles {
  p1: number;
  p5: number;
  p25: number;
  p50: number;
  p75: number;
  p95: number;
  p99: number;
}

/** Equal-width histogram: `counts[i]` counts values in `[edges[i], edges[i+1])`, the last bin closed. */
export interface Histogram {
  edges: number[];
  counts: number[];
}

/** One value and how often it occurs. */
export interface ValueCount {
  value: string;
  count: number;
}

/** Length statistics of the strings in a categorical or text column (UTF-16 code units). */
export interface StringLengthStats {
  min: number;
  max: number;
  mean: number;
}

/** Statistics for one column. */
export interface ColumnProfile {
  name: string;
  type: ColumnType;
  /** Non-missing values. */
  count: number;
  missing: number;
  missingFraction: number;
  distinct: number;
  /** False when `distinct` is a HyperLogLog estimate. */
  distinctExact: boolean;
  mean: number | null;
  /** Sample standard deviation (ddof = 1, like pandas). */
  std: number | null;
  /** Numbers for numeric columns; ISO-8601 strings for timestamps. */
  min: number | string | null;
  max: number | string | null;
  quantiles: Quantiles | null;
  /** False when quantiles, histogram and outliers come from the KLL sketch. */
  quantilesExact: boolean | null;
  zeros: number | null;
  negatives: number | null;
  /** ±Infinity values (numeric columns); they are also counted in `missing` and left out of every statistic. */
  infinite: number | null;
  /** Values below q1 - 1.5 IQR or above q3 + 1.5 IQR. */
  outliers: number | null;
  histogram: Histogram | null;
  topCategories: ValueCount[] | null;
  /** Non-missing values not listed in `topCategories`. */
  otherCount: number | null;
  /** False when counts come from the Misra–Gries summary (more than `exactDistinctLimit` values). */
  topCategoriesExact: boolean | null;
  stringLength: StringLengthStats | null;
  /** Personal data detected in the column (`security/pii`), or null. */
  pii: ColumnPiiFinding | null;
}

/** PII found in a column: kind, confidence 0..1, and the evidence over the first values checked. */
export interface ColumnPiiFinding {
  kind: string;
  confidence: number;
  matches: number;
  checked: number;
  evidence: 'values' | 'header' | 'header+values';
}

/** A symmetric correlation matrix over named columns; `null` where undefined (constant column, no rows). */
export interface CorrelationMatrix {
  columns: string[];
  matrix: (number | null)[][];
  /**
   * Present when more columns qualified than `correlationMaxColumns`: pairwise work and the matrix grow
   * with the square of the columns, so only the first `limit` (in column order) are correlated.
   */
  omitted?: { columns: number; limit: number; reason: string };
}

/** A column left out of a correlation matrix, and why. */
export interface SkippedColumn {
  column: string;
  reason: string;
}

/** Pearson over numeric columns and Cramér's V over low-cardinality categorical/boolean columns. */
export interface Correlations {
  pearson: CorrelationMatrix;
  cramersV: CorrelationMatrix & { skipped: SkippedColumn[] };
}

/** A dataset profile: the `profileVersion: 1` document. */
export interface Profile {
  profileVersion: 1;
  rows: number;
  columnCount: number;
  columns: ColumnProfile[];
  /** Rows equal to an earlier row (all columns), found through 64-bit row hashes. */
  duplicateRows: number;
  /** Bytes the data takes as a Frame: typed arrays plus an estimate for strings. */
  memoryBytes: number;
  correlations: Correlations | null;
}
