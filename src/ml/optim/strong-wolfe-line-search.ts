/**
 * Line search satisfying the strong Wolfe conditions (Nocedal & Wright, Algorithms 3.5 and 3.6) with
 * safeguarded cubic interpolation in the zoom phase. Quasi-Newton methods need the curvature condition
 * so that every stored pair has s'y > 0; plain backtracking does not guarantee it.
 */

/** One trial point of the one-dimensional function phi(step) = f(x + step * d). */
export interface LinePoint {
  /** phi(step). */
  f: number;
  /** phi'(step) = grad f(x + step * d) . d */
  dg: number;
}

/** Evaluates phi at `step`; the caller's buffers then hold x + step * d and its gradient. */
export type LineFunction = (step: number) => LinePoint;

/** Tuning of the line search. */
export interface LineSearchOptions {
  /** Sufficient-decrease constant (Armijo). */
  c1?: number;
  /** Curvature constant; 0.9 is the usual choice for quasi-Newton methods. */
  c2?: number;
  /** Most function evaluations before giving up. */
  maxEvaluations?: number;
  /** Largest step tried. */
  maxStep?: number;
}

/** Outcome of a line search. */
export interface LineSearchResult {
  /** Accepted step (0 when nothing decreased the function). */
  step: number;
  f: number;
  dg: number;
  /** Whether the strong Wolfe conditions hold at `step` (false: best decreasing step found). */
  wolfe: boolean;
  evaluations: number;
  /** The step of the most recent evaluation; when it differs from `step`, re-evaluate at `step`. */
  lastEvaluated: number;
}

function cubicMinimizer(a: number, fa: number, ga: number, b: number, fb: number, gb: number): number {
  const d1 = ga + gb - (3 * (fa - fb)) / (a - b);
  const disc = d1 * d1 - ga * gb;
  if (!(disc >= 0)) return NaN;
  const d2 = Math.sign(b - a) * Math.sqrt(disc);
  return b - ((b - a) * (gb + d2 - d1)) / (gb - ga + 2 * d2);
}

/** Find a step along a descent direction satisfying the strong Wolfe conditions. */
export function strongWolfeLineSearch(phi: LineFunction, f0: number, dg0: number, initialStep: number, opts: LineSearchOptions = {}): LineSearchResult {
  const c1 = opts.c1 ?? 1e-4;
  const c2 = opts.c2 ?? 0.9;
  const maxEval = opts.maxEvaluations ?? 30;
  const maxStep = opts.maxStep ?? 1e10;
  let evaluations = 0;
  let lastEvaluated = 0;
  let best = { step: 0, f: f0, dg: dg0 };
  const evaluate = (step: number): LinePoint => {
    evaluations++;
    lastEvaluated = step;
    const p = phi(step);
    if (p.f < best.f) best = { step, f: p.f, dg: p.dg };
    return p;
  };
  const done = (step: number, p: LinePoint, wolfe: boolean): LineSearchResult => ({ step, f: p.f, dg: p.dg, wolfe, evaluations, lastEvaluated });
  const fallback = (): LineSearchResult => ({ step: best.step, f: best.f, dg: best.dg, wolfe: false, evaluations, lastEvaluated });

  const zoom = (lo: number, flo: number, glo: number, hi: number, fhi: number, ghi: number): LineSearchResult => {
    while (evaluations < maxEval) {
      const lower = Math.min(lo, hi);
      const width = Math.abs(hi - lo);
      if (width <= 1e-16 * Math.max(1, Math.abs(lo))) break;
      let a = cubicMinimizer(lo, flo, glo, hi, fhi, ghi);
      // Safeguard: stay well inside the bracket, else bisect.
      if (!(a > lower + 0.1 * width && a < lower + 0.9 * width)) a = 0.5 * (lo + hi);
      const p = evaluate(a);
      if (p.f > f0 + c1 * a * dg0 || p.f >= flo) {
        hi = a;
        fhi = p.f;
        ghi = p.dg;
      } else {
        if (Math.abs(p.dg) <= -c2 * dg0) return done(a, p, true);
        if (p.dg * (hi - lo) >= 0) {
          hi = lo;
          fhi = flo;
          ghi = glo;
        }
        lo = a;
        flo = p.f;
        glo = p.dg;
      }
    }
    return fallback();
  };

  let prev = 0;
  let fPrev = f0;
  let gPrev = dg0;
  let step = Math.min(initialStep, maxStep);
  for (let i = 0; evaluations < maxEval; i++) {
    const p = evaluate(step);
    if (!Number.isFinite(p.f)) {
      // Overflow far along the direction: shrink towards the last good point.
      step = prev + 0.1 * (step - prev);
      continue;
    }
    if (p.f > f0 + c1 * step * dg0 || (i > 0 && p.f >= fPrev)) return zoom(prev, fPrev, gPrev, step, p.f, p.dg);
    if (Math.abs(p.dg) <= -c2 * dg0) return done(step, p, true);
    if (p.dg >= 0) return zoom(step, p.f, p.dg, prev, fPrev, gPrev);
    if (step >= maxStep) return done(step, p, false);
    prev = step;
    fPrev = p.f;
    gPrev = p.dg;
    step = Math.min(step * 4, maxStep);
  }
  return fallback();
}
