/**
 * Evidently's normed Wasserstein statistic, in its own module because the drift report's worker thread
 * computes it too (numeric-pair-stats.ts) and should not load the whole test registry to do so.
 */

/** Population standard deviation (NumPy's `np.std`), two passes in index order. */
export function populationStd(x: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += x[i];
  return populationStdAround(x, sum);
}

/** `populationStd` of `x` given the sum of its values in index order (a caller's own first pass). */
export function populationStdAround(x: Float64Array, sum: number): number {
  const m = sum / x.length;
  let v = 0;
  for (let i = 0; i < x.length; i++) v += (x[i] - m) ** 2;
  return Math.sqrt(v / x.length);
}

/** Evidently's normed Wasserstein statistic: the distance over the reference's std (at least 0.001). */
export function normedWasserstein(distance: number, referenceStd: number): number {
  return distance / Math.max(referenceStd, 0.001);
}
