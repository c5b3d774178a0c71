/**
 * The one-sided one-sample Smirnov distribution: P(D_n^+ >= x), by the exact Birnbaum–Tingey sum
 * evaluated term by term in log space (what scipy.special.smirnov computes). O(n) per call.
 */

/** Survival function P(D_n^+ >= x) of the one-sided Kolmogorov–Smirnov statistic for sample size n. */
export function smirnovSf(n: number, x: number): number {
  if (!(n > 0) || Number.isNaN(x)) return NaN;
  if (x <= 0) return 1;
  if (x >= 1) return 0;
  if (n === 1) return 1 - x;
  // Birnbaum & Tingey (1951): x * sum_{j=0}^{floor(n(1-x))} C(n,j) (1-x-j/n)^(n-j) (x+j/n)^(j-1)
  const jmax = Math.floor(n * (1 - x) + 1e-12);
  let logC = 0;
  let sum = 0;
  for (let j = 0; j <= jmax; j++) {
    if (j > 0) logC += Math.log((n - j + 1) / j);
    const a = 1 - x - j / n;
    if (a <= 0) continue;
    const logTerm = logC + (n - j) * Math.log(a) + (j - 1) * Math.log(x + j / n);
    sum += Math.exp(logTerm);
  }
  const p = x * sum;
  return p < 0 ? 0 : p > 1 ? 1 : p;
}
