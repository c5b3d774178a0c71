/** Tests of L-BFGS and OWL-QN on problems with known minimizers. */
import { describe, expect, it } from 'vitest';
import { minimizeLbfgs } from './lbfgs.js';
import { minimizeOwlqn } from './owlqn.js';
import { strongWolfeLineSearch } from './strong-wolfe-line-search.js';

// Rosenbrock in n dimensions: minimum 0 at (1, ..., 1); a classic hard valley.
function rosenbrock(x: Float64Array, g: Float64Array): number {
  let f = 0;
  g.fill(0);
  for (let i = 0; i + 1 < x.length; i++) {
    const a = x[i + 1] - x[i] * x[i];
    const b = 1 - x[i];
    f += 100 * a * a + b * b;
    g[i] += -400 * a * x[i] - 2 * b;
    g[i + 1] += 200 * a;
  }
  return f;
}

describe('minimizeLbfgs', () => {
  it('finds the Rosenbrock minimum', () => {
    const x0 = new Float64Array(10).fill(-1.2);
    const r = minimizeLbfgs(rosenbrock, x0, { maxIter: 1000, gradTol: 1e-10 });
    expect(r.converged).toBe(true);
    for (const v of r.x) expect(v).toBeCloseTo(1, 6);
    expect(r.f).toBeLessThan(1e-12);
    expect(x0[0]).toBe(-1.2);
  });

  it('solves a quadratic exactly and reports iterations', () => {
    // f = 0.5 x'Ax - b'x with A = diag(1..5): minimizer x_i = b_i / A_ii.
    const obj = (x: Float64Array, g: Float64Array): number => {
      let f = 0;
      for (let i = 0; i < x.length; i++) {
        const a = i + 1;
        g[i] = a * x[i] - 1;
        f += 0.5 * a * x[i] * x[i] - x[i];
      }
      return f;
    };
    const seen: number[] = [];
    const r = minimizeLbfgs(obj, new Float64Array(5), { gradTol: 1e-12, funcTol: 0, onIteration: (it) => seen.push(it) });
    for (let i = 0; i < 5; i++) expect(r.x[i]).toBeCloseTo(1 / (i + 1), 10);
    expect(seen.length).toBe(r.iterations);
    expect(r.iterations).toBeLessThan(20);
  });

  it('stops at maxIter without claiming convergence', () => {
    const r = minimizeLbfgs(rosenbrock, new Float64Array(10).fill(-1.2), { maxIter: 3, gradTol: 1e-12 });
    expect(r.iterations).toBe(3);
    expect(r.converged).toBe(false);
    expect(r.reason).toBe('maxIter');
  });
});

describe('minimizeOwlqn', () => {
  it('solves a separable lasso problem in closed form', () => {
    // f = 0.5 * sum (x_i - c_i)^2 + l |x_i|: minimizer soft(c_i, l).
    const c = [3, -2, 0.5, -0.2, 1];
    const obj = (x: Float64Array, g: Float64Array): number => {
      let f = 0;
      for (let i = 0; i < x.length; i++) {
        g[i] = x[i] - c[i];
        f += 0.5 * g[i] * g[i];
      }
      return f;
    };
    const l1 = new Float64Array([1, 1, 1, 1, 0]);
    const r = minimizeOwlqn(obj, new Float64Array(5), l1, { gradTol: 1e-12 });
    expect(Array.from(r.x)).toEqual([2, -1, 0, 0, 1].map((v) => expect.closeTo(v, 9) as unknown as number));
    expect(r.x[2]).toBe(0);
    expect(r.x[3]).toBe(0);
  });

  it('with zero L1 weights matches L-BFGS on Rosenbrock', () => {
    const r = minimizeOwlqn(rosenbrock, new Float64Array(6).fill(-1.2), new Float64Array(6), { maxIter: 2000, gradTol: 1e-9, funcTol: 0 });
    for (const v of r.x) expect(v).toBeCloseTo(1, 5);
  });
});

describe('strongWolfeLineSearch', () => {
  it('returns a step satisfying both strong Wolfe conditions', () => {
    // phi(a) = f(x + a d) for f(x) = x^4 - 3x^2 + x at x = 2, d = -1 (a nonconvex 1-D slice).
    const f = (t: number): number => t ** 4 - 3 * t * t + t;
    const df = (t: number): number => 4 * t ** 3 - 6 * t + 1;
    const phi = (a: number): { f: number; dg: number } => ({ f: f(2 - a), dg: -df(2 - a) });
    const f0 = f(2);
    const dg0 = -df(2);
    for (const initial of [0.01, 1, 10]) {
      const r = strongWolfeLineSearch(phi, f0, dg0, initial);
      expect(r.wolfe).toBe(true);
      expect(r.f).toBeLessThanOrEqual(f0 + 1e-4 * r.step * dg0);
      expect(Math.abs(r.dg)).toBeLessThanOrEqual(0.9 * Math.abs(dg0));
      expect(r.f).toBeCloseTo(phi(r.step).f, 12);
    }
  });
});
