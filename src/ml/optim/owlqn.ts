/**
 * OWL-QN (Andrew & Gao, 2007): L-BFGS for f(x) + sum_j l1[j] * |x_j| with smooth f. It steps within
 * one orthant at a time using the pseudo-gradient, so coefficients land on exact zeros. Used for L1 and
 * elastic-net logistic regression; per-coordinate weights let intercepts stay unpenalized.
 */
import { LbfgsMemory } from './lbfgs-memory.js';
import { maxAbs } from './objective.js';
import type { Objective, QuasiNewtonOptions, QuasiNewtonResult, StopReason } from './objective.js';

function l1Term(x: Float64Array, l1: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += l1[i] * Math.abs(x[i]);
  return s;
}

/** Pseudo-gradient of f + l1 at x: the minimum-norm element of the subdifferential. */
function pseudoGradient(x: Float64Array, g: Float64Array, l1: Float64Array, out: Float64Array): void {
  for (let i = 0; i < x.length; i++) {
    const w = l1[i];
    if (x[i] > 0) out[i] = g[i] + w;
    else if (x[i] < 0) out[i] = g[i] - w;
    else if (g[i] + w < 0) out[i] = g[i] + w;
    else if (g[i] - w > 0) out[i] = g[i] - w;
    else out[i] = 0;
  }
}

/** Minimize `objective(x) + sum_j l1[j] * |x_j|` from `x0` (not modified). */
export function minimizeOwlqn(objective: Objective, x0: Float64Array, l1: Float64Array, opts: QuasiNewtonOptions = {}): QuasiNewtonResult {
  const n = x0.length;
  const maxIter = opts.maxIter ?? 100;
  const gradTol = opts.gradTol ?? 1e-5;
  const funcTol = opts.funcTol ?? 64 * Number.EPSILON;
  const memory = new LbfgsMemory(n, opts.memory ?? 10);
  let x = Float64Array.from(x0);
  let g = new Float64Array(n);
  let xNew = new Float64Array(n);
  let gNew = new Float64Array(n);
  const pg = new Float64Array(n);
  const d = new Float64Array(n);
  const orthant = new Float64Array(n);
  let evaluations = 1;
  let f = objective(x, g) + l1Term(x, l1);
  pseudoGradient(x, g, l1, pg);
  let reason: StopReason = maxAbs(pg) <= gradTol ? 'gradient' : 'maxIter';
  let iterations = 0;

  while (reason === 'maxIter' && iterations < maxIter) {
    memory.direction(pg, d);
    // Keep only components that agree in sign with the steepest-descent direction -pg.
    let dpg = 0;
    for (let i = 0; i < n; i++) {
      if (l1[i] !== 0 && d[i] * pg[i] >= 0) d[i] = 0;
      dpg += d[i] * pg[i];
    }
    if (!(dpg < 0)) {
      memory.reset();
      for (let i = 0; i < n; i++) d[i] = -pg[i];
    }
    // Unpenalized coordinates (l1 = 0) are free to change sign: no orthant for them.
    for (let i = 0; i < n; i++) orthant[i] = l1[i] === 0 ? NaN : x[i] !== 0 ? Math.sign(x[i]) : -Math.sign(pg[i]);
    // Backtracking with projection onto the chosen orthant (Armijo on the projected step).
    let step = iterations === 0 ? Math.min(1, 1 / Math.max(maxAbs(pg), 1e-300)) : 1;
    let fNew = Infinity;
    let accepted = false;
    for (let tries = 0; tries < 40; tries++) {
      for (let i = 0; i < n; i++) {
        const v = x[i] + step * d[i];
        const o = orthant[i];
        xNew[i] = o !== o || v * o > 0 ? v : 0;
      }
      fNew = objective(xNew, gNew) + l1Term(xNew, l1);
      evaluations++;
      let decrease = 0;
      for (let i = 0; i < n; i++) decrease += pg[i] * (xNew[i] - x[i]);
      if (fNew <= f + 1e-4 * decrease) {
        accepted = true;
        break;
      }
      step *= 0.5;
    }
    if (!accepted) {
      // Retry once from steepest descent with an empty memory, then give up.
      if (memory.size > 0) {
        memory.reset();
        continue;
      }
      reason = 'lineSearch';
      break;
    }
    iterations++;
    memory.push(xNew, x, gNew, g);
    const fPrev = f;
    f = fNew;
    [x, xNew] = [xNew, x];
    [g, gNew] = [gNew, g];
    pseudoGradient(x, g, l1, pg);
    opts.onIteration?.(iterations, f);
    if (maxAbs(pg) <= gradTol) reason = 'gradient';
    else if (fPrev - f <= funcTol * Math.max(Math.abs(fPrev), Math.abs(f), 1)) reason = 'function';
  }
  return { x, f, iterations, evaluations, converged: reason === 'gradient' || reason === 'function', reason };
}
