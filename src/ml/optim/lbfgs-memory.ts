/**
 * The limited-memory inverse-Hessian approximation of L-BFGS: a ring of the last `m` (s, y) pairs and
 * the two-loop recursion. Shared by `minimizeLbfgs` and `minimizeOwlqn` so both keep one buffer set
 * and allocate nothing per iteration.
 */

/** Ring buffer of curvature pairs with the two-loop recursion. */
export class LbfgsMemory {
  private readonly s: Float64Array[];
  private readonly y: Float64Array[];
  private readonly rho: Float64Array;
  private readonly alpha: Float64Array;
  private count = 0;
  private head = 0;

  constructor(
    readonly dim: number,
    readonly capacity: number,
  ) {
    this.s = Array.from({ length: capacity }, () => new Float64Array(dim));
    this.y = Array.from({ length: capacity }, () => new Float64Array(dim));
    this.rho = new Float64Array(capacity);
    this.alpha = new Float64Array(capacity);
  }

  /** Number of pairs currently stored. */
  get size(): number {
    return this.count;
  }

  /** Forget every pair (after a failed line search or a non-descent direction). */
  reset(): void {
    this.count = 0;
    this.head = 0;
  }

  /**
   * Store the pair s = x_new - x_old, y = g_new - g_old given as (xNew, xOld, gNew, gOld).
   * Returns false (and stores nothing) when s'y is not safely positive, which would break the
   * positive-definiteness of the approximation.
   */
  push(xNew: Float64Array, xOld: Float64Array, gNew: Float64Array, gOld: Float64Array): boolean {
    const s = this.s[this.head];
    const y = this.y[this.head];
    let sy = 0;
    let yy = 0;
    for (let i = 0; i < this.dim; i++) {
      const si = xNew[i] - xOld[i];
      const yi = gNew[i] - gOld[i];
      s[i] = si;
      y[i] = yi;
      sy += si * yi;
      yy += yi * yi;
    }
    if (!(sy > 1e-12 * yy) || !(sy > 0)) return false;
    this.rho[this.head] = 1 / sy;
    this.head = (this.head + 1) % this.capacity;
    if (this.count < this.capacity) this.count++;
    return true;
  }

  /** Write `-H g` into `out` (the quasi-Newton descent direction for gradient `g`). */
  direction(g: Float64Array, out: Float64Array): void {
    const n = this.dim;
    for (let i = 0; i < n; i++) out[i] = -g[i];
    const m = this.capacity;
    for (let c = 0; c < this.count; c++) {
      const k = (this.head - 1 - c + m) % m;
      const s = this.s[k];
      const y = this.y[k];
      let a = 0;
      for (let i = 0; i < n; i++) a += s[i] * out[i];
      a *= this.rho[k];
      this.alpha[k] = a;
      for (let i = 0; i < n; i++) out[i] -= a * y[i];
    }
    if (this.count > 0) {
      // Initial Hessian scaling gamma = s'y / y'y of the newest pair (Nocedal & Wright eq. 7.20).
      const k = (this.head - 1 + m) % m;
      const y = this.y[k];
      let yy = 0;
      for (let i = 0; i < n; i++) yy += y[i] * y[i];
      const gamma = 1 / (this.rho[k] * yy);
      for (let i = 0; i < n; i++) out[i] *= gamma;
    }
    for (let c = this.count - 1; c >= 0; c--) {
      const k = (this.head - 1 - c + m) % m;
      const s = this.s[k];
      const y = this.y[k];
      let b = 0;
      for (let i = 0; i < n; i++) b += y[i] * out[i];
      b *= this.rho[k];
      const coef = this.alpha[k] - b;
      for (let i = 0; i < n; i++) out[i] += coef * s[i];
    }
  }
}
