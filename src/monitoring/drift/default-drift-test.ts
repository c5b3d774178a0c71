/**
 * The drift test a column gets when none is chosen, in its own module because the drift report's worker
 * thread applies it too (numeric-pair-stats.ts) and should not load the whole test registry to do so.
 */
import type { DriftColumnKind } from './drift-tests.js';

/**
 * Evidently's default choice (text columns: the out-of-vocabulary rate): reference of at most 1,000 values -> KS for numeric columns with more than 5
 * distinct values, chi-square for more than 2 categories, the Z-test for binary ones; larger references ->
 * normed Wasserstein for numeric columns with more than 5 distinct values, Jensen-Shannon otherwise.
 */
export function defaultDriftTest(kind: DriftColumnKind, referenceSize: number, distinct: number): string {
  if (kind === 'text') return 'oov_rate';
  if (referenceSize <= 1000) {
    if (kind === 'numeric' && distinct > 5) return 'ks';
    return distinct > 2 ? 'chisquare' : 'z';
  }
  return kind === 'numeric' && distinct > 5 ? 'wasserstein' : 'jensenshannon';
}
