/**
 * The standard normal quantile Φ⁻¹(p): Abramowitz & Stegun 26.2.23 as a start (error < 4.5e-4), then
 * Halley steps against `normalCdf`, so the result is as exact as the CDF itself (~1e-15) in both tails.
 */
import { normalCdf, normalPdf } from './normal-distribution.js';

/** z such that Φ(z) = p, for 0 <= p <= 1 (±Infinity at the ends). */
export function normalQuantile(p: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p === 0.5) return 0;
  // Solve in the lower tail, where p carries full relative precision; 1 − p is exact for p >= 0.5.
  return p < 0.5 ? lowerQuantile(p) : -lowerQuantile(1 - p);
}

function lowerQuantile(p: number): number {
  const t = Math.sqrt(-2 * Math.log(p));
  let x = -(t - (2.515517 + 0.802853 * t + 0.010328 * t * t) / (1 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t));
  for (let i = 0; i < 8; i++) {
    const pdf = normalPdf(x);
    if (pdf === 0) break;
    const u = (normalCdf(x) - p) / pdf;
    const step = u / (1 + (x * u) / 2);
    x -= step;
    if (Math.abs(step) <= 1e-16 * Math.max(1, Math.abs(x))) break;
  }
  return x;
}
