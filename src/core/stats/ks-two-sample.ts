/**
 * Two-sample Kolmogorov–Smirnov test (two-sided) with scipy.stats.ks_2samp(method='auto') semantics:
 * the exact p-value when both samples have at most 10,000 values (falling back to the asymptotic one
 * if the exact recursion cannot represent the answer), otherwise kstwo.sf(D, round(n*m/(n+m))).
 * Missing values (NaN) must be removed by the caller.
 */
import { kolmogorovSf } from './kolmogorov-distribution.js';

/** scipy's 'auto' switch: exact when max(n, m) <= this. */
export const KS_EXACT_MAX_N = 10_000;

/** Result of a two-sample KS test. */
export interface KsResult {
  /** sup |F1(x) - F2(x)|. */
  readonly statistic: number;
  readonly pValue: number;
  /** Which p-value computation was used. */
  readonly method: 'exact' | 'asymptotic';
}

/** The KS statistic of two ascending-sorted samples. */
export function ksStatisticSorted(a: Float64Array, b: Float64Array): number {
  const n1 = a.length;
  const n2 = b.length;
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < n1 && j < n2) {
    const x = a[i] <= b[j] ? a[i] : b[j];
    while (i < n1 && a[i] === x) i++;
    while (j < n2 && b[j] === x) j++;
    const diff = Math.abs(i / n1 - j / n2);
    if (diff > d) d = diff;
  }
  return d;
}

/** Two-sided two-sample KS test (scipy.stats.ks_2samp, method 'auto'). Inputs need not be sorted. */
export function ksTwoSample(x: Float64Array, y: Float64Array, method: 'auto' | 'exact' | 'asymptotic' = 'auto'): KsResult {
  const a = Float64Array.from(x).sort();
  const b = Float64Array.from(y).sort();
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) return { statistic: NaN, pValue: NaN, method: 'asymptotic' };
  const d = ksStatisticSorted(a, b);
  const useExact = method === 'exact' || (method === 'auto' && Math.max(n1, n2) <= KS_EXACT_MAX_N);
  if (useExact) {
    const exact = ksExactPValue(n1, n2, d);
    if (exact !== null) return { statistic: d, pValue: exact, method: 'exact' };
  }
  const [m, n] = n1 >= n2 ? [n1, n2] : [n2, n1];
  const en = (m * n) / (m + n);
  return { statistic: d, pValue: kolmogorovSf(Math.round(en), d), method: 'asymptotic' };
}

/** Exact two-sided P(D >= d) for sample sizes n1, n2, or null when it cannot be computed in float64. */
export function ksExactPValue(n1: number, n2: number, d: number): number | null {
  const g = gcd(n1, n2);
  const lcm = (n1 / g) * n2;
  const h = Math.round(d * lcm);
  if (h === 0) return 1;
  const p = n1 === n2 ? probOutsideSquare(n1, h) : probOutsideInside(n1, n2, g, h);
  if (!Number.isFinite(p) || p < 0 || p > 1) return null;
  return p;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** Pr(D_{n,n} >= h/n): alternating binomial series in Horner form (no cancellation). */
function probOutsideSquare(n: number, h: number): number {
  let P = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let p1 = 1;
    for (let j = 0; j < h; j++) p1 = ((n - k * h - j) * p1) / (n + k * h + j + 1);
    P = p1 * (1 - P);
  }
  return 2 * P;
}

/**
 * 1 - (share of lattice paths staying strictly inside |x/m - y/n| < h/lcm), by Hodges' inside method
 * rewritten to carry the complement directly (Viehmann 2021), one sliding column at a time.
 */
function probOutsideInside(m0: number, n0: number, g: number, h: number): number {
  const m = Math.max(m0, n0);
  const n = Math.min(m0, n0);
  const mg = m / g;
  const ng = n / g;
  let minj = 0;
  let maxj = Math.min(Math.ceil(h / mg), n + 1);
  let curlen = maxj - minj;
  const lenA = Math.min(2 * maxj + 2, n + 1);
  const A = new Float64Array(lenA).fill(1);
  for (let j = minj; j < maxj; j++) A[j] = 0;
  for (let i = 1; i <= m; i++) {
    const lastminj = minj;
    const lastlen = curlen;
    minj = Math.max(Math.floor((ng * i - h) / mg) + 1, 0);
    minj = Math.min(minj, n);
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxj <= minj) return 1;
    let val = minj === 0 ? 0 : 1;
    for (let jj = 0; jj < maxj - minj; jj++) {
      const j = jj + minj;
      val = (A[jj + minj - lastminj] * i + val * j) / (i + j);
      A[jj] = val;
    }
    curlen = maxj - minj;
    if (lastlen > curlen) for (let t = maxj - minj; t < maxj - minj + (lastlen - curlen); t++) A[t] = 1;
  }
  return A[maxj - minj - 1];
}
