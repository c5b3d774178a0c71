/**
 * L-BFGS (Nocedal & Wright, Algorithm 7.5) with a strong-Wolfe line search, for smooth unconstrained
 * problems: logistic regression now, MLPs and factorization machines later. Stopping mirrors scipy's
 * L-BFGS-B as scikit-learn drives it: projected-gradient infinity norm <= gradTol, or relative function
 * decrease <= funcTol.
 */
import { LbfgsMemory } from './lbfgs-memory.js';
import { dot, maxAbs } from './objective.js';
import type { Objective, QuasiNewtonOptions, QuasiNewtonResult, StopReason } from './objective.js';
import { strongWolfeLineSearch } from './strong-wolfe-line-search.js';

/** Minimize a smooth objective from `x0` (not modified). */
export function minimizeLbfgs(objective: Objective, x0: Float64Array, opts: QuasiNewtonOptions = {}): QuasiNewtonResult {
  const n = x0.length;
  const maxIter = opts.maxIter ?? 100;
  const gradTol = opts.gradTol ?? 1e-5;
  const funcTol = opts.funcTol ?? 64 * Number.EPSILON;
  const memory = new LbfgsMemory(n, opts.memory ?? 10);
  let x = Float64Array.from(x0);
  let g = new Float64Array(n);
  let xNew = new Float64Array(n);
  let gNew = new Float64Array(n);
  const d = new Float64Array(n);
  let evaluations = 1;
  let f = objective(x, g);
  let reason: StopReason = 'maxIter';
  let iterations = 0;
  if (maxAbs(g) <= gradTol) reason = 'gradient';

  let fAtNew = NaN;
  const phi = (step: number): { f: number; dg: number } => {
    for (let i = 0; i < n; i++) xNew[i] = x[i] + step * d[i];
    fAtNew = objective(xNew, gNew);
    evaluations++;
    return { f: fAtNew, dg: dot(gNew, d) };
  };
  const steepest = (): number => {
    memory.reset();
    for (let i = 0; i < n; i++) d[i] = -g[i];
    return dot(d, g);
  };
  const firstStep = (): number => Math.min(1, 1 / Math.max(maxAbs(g), 1e-300));

  while (reason === 'maxIter' && iterations < maxIter) {
    memory.direction(g, d);
    let dg0 = dot(d, g);
    // Not a descent direction (rounding in a stale memory): restart from steepest descent.
    if (!(dg0 < 0)) dg0 = steepest();
    let ls = strongWolfeLineSearch(phi, f, dg0, iterations === 0 ? firstStep() : 1);
    // One retry along steepest descent before giving up.
    if (ls.step === 0 && iterations > 0) ls = strongWolfeLineSearch(phi, f, steepest(), firstStep());
    if (ls.step === 0) {
      reason = 'lineSearch';
      break;
    }
    if (ls.lastEvaluated !== ls.step) phi(ls.step);
    iterations++;
    memory.push(xNew, x, gNew, g);
    const fPrev = f;
    f = fAtNew;
    [x, xNew] = [xNew, x];
    [g, gNew] = [gNew, g];
    opts.onIteration?.(iterations, f);
    if (maxAbs(g) <= gradTol) reason = 'gradient';
    else if ((fPrev - f) / Math.max(Math.abs(fPrev), Math.abs(f), 1) <= funcTol) reason = 'function';
  }
  return { x, f, iterations, evaluations, converged: reason === 'gradient' || reason === 'function', reason };
}
