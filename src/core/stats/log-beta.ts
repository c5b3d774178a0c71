/**
 * ln B(a, b) without the cancellation of lnΓ(a) + lnΓ(b) − lnΓ(a + b) for large arguments: when a
 * side is ≥ 10 the Stirling terms cancel analytically and only their small corrections are summed
 * (R's lbeta), so Student t p-values stay accurate at the tens of thousands of degrees of freedom
 * an A/B test reaches.
 */
import { logGamma } from './log-gamma.js';

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
// Stirling series coefficients B_2k / (2k (2k − 1)), k = 1..8.
const STIRLING = [1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360360, 1 / 156, -3617 / 122400];

/** lnΓ(x) − ((x − ½) ln x − x + ½ ln 2π) for x ≥ 10, to ~1e-17 absolute. */
export function logGammaCorrection(x: number): number {
  const inv2 = 1 / (x * x);
  let sum = 0;
  let pow = 1 / x;
  for (const c of STIRLING) {
    sum += c * pow;
    pow *= inv2;
  }
  return sum;
}

/** ln B(a, b) = ln(Γ(a) Γ(b) / Γ(a + b)) for a, b > 0. */
export function logBeta(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b) || a <= 0 || b <= 0) return NaN;
  const p = Math.min(a, b);
  const q = Math.max(a, b);
  if (p >= 10) {
    const corr = logGammaCorrection(p) + logGammaCorrection(q) - logGammaCorrection(p + q);
    return -0.5 * Math.log(q) + HALF_LOG_2PI + corr + (p - 0.5) * Math.log(p / (p + q)) + q * Math.log1p(-p / (p + q));
  }
  if (q >= 10) {
    const corr = logGammaCorrection(q) - logGammaCorrection(p + q);
    return logGamma(p) + corr + p - p * Math.log(p + q) + (q - 0.5) * Math.log1p(-p / (p + q));
  }
  return logGamma(p) + logGamma(q) - logGamma(p + q);
}
