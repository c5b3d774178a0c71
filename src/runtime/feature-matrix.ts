/**
 * `FeatureMatrix`: the dense numeric input every model family consumes, produced by the fitted
 * preprocessing pipeline from a Frame. Column-major so per-feature passes (binning, scaling) are
 * sequential reads.
 */

/** Dense, column-major feature matrix. */
export interface FeatureMatrix {
  readonly rows: number;
  readonly cols: number;
  /** Column-major values: feature j of row i is `data[j * rows + i]`; NaN = missing. */
  readonly data: Float64Array;
  /** Feature names, one per column. */
  readonly names: readonly string[];
  /**
   * For features models should treat as categorical (GBDT native categorical splits): the number of
   * categories (values are integer codes 0..k-1, NaN = missing); 0 for ordinary numeric features.
   */
  readonly categoryCounts: Int32Array;
}

/** Feature j as a view (no copy). */
export function featureColumn(m: FeatureMatrix, j: number): Float64Array {
  return m.data.subarray(j * m.rows, (j + 1) * m.rows);
}
