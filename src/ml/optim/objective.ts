/**
 * Shared types of Kiln's smooth optimizers: an objective writes its gradient into a caller-owned
 * buffer (no allocation per evaluation) and returns its value.
 */

/** f(x); writes grad f(x) into `grad` (same length as `x`) and returns f(x). */
export type Objective = (x: Float64Array, grad: Float64Array) => number;

/** Why an optimizer stopped. */
export type StopReason = 'gradient' | 'function' | 'maxIter' | 'lineSearch';

/** Options common to `minimizeLbfgs` and `minimizeOwlqn`. */
export interface QuasiNewtonOptions {
  /** Most iterations (default 100). */
  maxIter?: number;
  /** Number of curvature pairs kept (default 10, as scipy's L-BFGS-B). */
  memory?: number;
  /** Stop when the largest absolute (pseudo-)gradient component is at most this (default 1e-5). */
  gradTol?: number;
  /** Stop when (f_prev - f) / max(|f_prev|, |f|, 1) is at most this (default 64 * machine epsilon, scipy's factr = 1e7 equivalent). */
  funcTol?: number;
  /** Called after each iteration with the iteration number (1-based) and the objective value. */
  onIteration?: (iteration: number, f: number) => void;
}

/** Result of a quasi-Newton minimization. */
export interface QuasiNewtonResult {
  /** The minimizer found (a new array). */
  x: Float64Array;
  /** Objective value at `x` (including the L1 term for OWL-QN). */
  f: number;
  iterations: number;
  evaluations: number;
  converged: boolean;
  reason: StopReason;
}

/** Largest absolute component. */
export function maxAbs(v: Float64Array): number {
  let m = 0;
  for (let i = 0; i < v.length; i++) {
    const a = Math.abs(v[i]);
    if (a > m) m = a;
  }
  return m;
}

/** Dot product. */
export function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
