/**
 * Gamma and beta random variates from a seeded `Rng` (Marsaglia & Tsang 2000, with the U^{1/a} boost
 * for shape < 1), so Thompson sampling and simulations are reproducible from a seed.
 */
import type { Rng } from '../rng.js';

/** A Gamma(shape, 1) draw for shape > 0. */
export function sampleGamma(shape: number, rng: Rng): number {
  if (!(shape > 0) || !Number.isFinite(shape)) return NaN;
  if (shape < 1) {
    // Gamma(a) = Gamma(a + 1) · U^{1/a}; U in (0, 1] so the log stays finite.
    const u = 1 - rng.next();
    return sampleGamma(shape + 1, rng) * Math.pow(u, 1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = rng.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng.next();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (u > 0 && Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** A Beta(a, b) draw for a, b > 0, as X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b). */
export function sampleBeta(a: number, b: number, rng: Rng): number {
  const x = sampleGamma(a, rng);
  const y = sampleGamma(b, rng);
  return x / (x + y);
}
