/**
 * KernelSHAP (Lundberg & Lee 2017) for any model seen as a function of a Frame: for each explained
 * row, coalitions z of its columns are evaluated by replacing the columns outside z with background
 * rows and averaging the model over the background; the Shapley values are the solution of the
 * weighted least squares fit of those averages with the Shapley kernel weights
 * `(M - 1) / (C(M, |z|) |z| (M - |z|))`, constrained so that `base + sum(phi) == f(x)` (the constraint
 * is eliminated on the last column, as SHAP's KernelExplainer does). With 2^M - 2 <= nsamples every
 * coalition is enumerated and the result is exact for the model under feature independence (for a
 * linear model: `phi_j = w_j (x_j - mean_background(x_j))`); otherwise coalition sizes are drawn from
 * the kernel's distribution with their complements (paired sampling), seeded.
 */
import { InputError } from '../../core/errors.js';
import { Frame, takeColumn } from '../../core/frame.js';
import { Rng } from '../../core/rng.js';
import type { Background } from './background.js';

/** Options of a KernelSHAP run. */
export interface KernelShapOptions {
  /** Coalitions per explained row (default 2M + 2048, SHAP's "auto"). */
  readonly nsamples?: number;
  readonly seed?: number;
  /** Largest number of model evaluations (rows x coalitions x background rows) to accept (default 2e8). */
  readonly maxEvaluations?: number;
}

/** KernelSHAP attributions. */
export interface KernelShapValues {
  readonly rows: number;
  readonly columns: readonly string[];
  /** Row-major `rows x columns`. */
  readonly values: Float64Array;
  /** Weighted mean of the model over the background. */
  readonly base: number;
  /** The model's value on each explained row. */
  readonly fx: Float64Array;
  /** Coalitions evaluated per row, and whether they were all of them. */
  readonly coalitions: number;
  readonly exact: boolean;
}

/** Coalitions as 0/1 masks (row-major Z x M) with their regression weights. */
interface Coalitions {
  readonly masks: Uint8Array;
  readonly weights: Float64Array;
  readonly count: number;
  readonly exact: boolean;
}

function binomial(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return r;
}

/** Every proper non-empty coalition when they fit in `nsamples`, else kernel-distributed paired samples. */
export function coalitions(M: number, nsamples: number, rng: Rng): Coalitions {
  if (M < 2) return { masks: new Uint8Array(0), weights: new Float64Array(0), count: 0, exact: true };
  const all = M < 31 ? 2 ** M - 2 : Infinity;
  if (all <= nsamples) {
    const masks = new Uint8Array(all * M);
    const weights = new Float64Array(all);
    for (let s = 1; s <= all; s++) {
      let size = 0;
      for (let j = 0; j < M; j++) {
        const bit = Math.floor(s / 2 ** j) % 2;
        masks[(s - 1) * M + j] = bit;
        size += bit;
      }
      weights[s - 1] = (M - 1) / (binomial(M, size) * size * (M - size));
    }
    return { masks, weights, count: all, exact: true };
  }
  // Size s is drawn with probability proportional to (M - 1) / (s (M - s)), the kernel summed over
  // the coalitions of that size; a uniformly random coalition of that size then has the kernel's weight.
  const sizeWeights = Array.from({ length: M - 1 }, (_, i) => (M - 1) / ((i + 1) * (M - i - 1)));
  const total = sizeWeights.reduce((a, b) => a + b, 0);
  const pairs = Math.max(1, Math.floor(nsamples / 2));
  const masks = new Uint8Array(2 * pairs * M);
  for (let p = 0; p < pairs; p++) {
    let u = rng.next() * total;
    let size = 1;
    while (size < M - 1 && u >= sizeWeights[size - 1]) u -= sizeWeights[size++ - 1];
    const perm = rng.permutation(M);
    for (let j = 0; j < size; j++) masks[2 * p * M + perm[j]] = 1;
    for (let j = 0; j < M; j++) masks[(2 * p + 1) * M + j] = 1 - masks[2 * p * M + j];
  }
  return { masks, weights: new Float64Array(2 * pairs).fill(1), count: 2 * pairs, exact: false };
}

/** Solve the symmetric system A x = b (n x n, row-major) by Gaussian elimination with partial pivoting. */
function solve(A: Float64Array, b: Float64Array, n: number): Float64Array {
  const a = Float64Array.from(A);
  const x = Float64Array.from(b);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r * n + c]) > Math.abs(a[p * n + c])) p = r;
    if (Math.abs(a[p * n + c]) < 1e-300) continue;
    if (p !== c) {
      for (let k = 0; k < n; k++) [a[c * n + k], a[p * n + k]] = [a[p * n + k], a[c * n + k]];
      [x[c], x[p]] = [x[p], x[c]];
    }
    for (let r = c + 1; r < n; r++) {
      const f = a[r * n + c] / a[c * n + c];
      if (f === 0) continue;
      for (let k = c; k < n; k++) a[r * n + k] -= f * a[c * n + k];
      x[r] -= f * x[c];
    }
  }
  for (let c = n - 1; c >= 0; c--) {
    let s = x[c];
    for (let k = c + 1; k < n; k++) s -= a[c * n + k] * x[k];
    x[c] = Math.abs(a[c * n + c]) < 1e-300 ? 0 : s / a[c * n + c];
  }
  return x;
}

/** KernelSHAP of `predict` (one value per row) for every row of `rows`, over `columns`. */
export function kernelShap(rows: Frame, columns: readonly string[], background: Background, predict: (f: Frame) => Float64Array, opts: KernelShapOptions = {}): KernelShapValues {
  const M = columns.length;
  const N = background.frame.rowCount;
  const n = rows.rowCount;
  if (N === 0) throw new InputError('KernelSHAP needs at least one background row', { field: 'background' });
  if (M === 0) throw new InputError('KernelSHAP needs at least one column to attribute', { field: 'columns' });
  const nsamples = opts.nsamples ?? 2 * M + 2048;
  if (!Number.isInteger(nsamples) || nsamples < 2) throw new InputError(`nsamples must be an integer >= 2 (got ${nsamples})`, { field: 'nsamples' });
  const rng = new Rng(opts.seed ?? 0);
  const coal = coalitions(M, nsamples, rng);
  const Z = coal.count;
  const evaluations = n * (Z + 1) * N;
  const limit = opts.maxEvaluations ?? 2e8;
  if (evaluations > limit) {
    throw new InputError(
      `KernelSHAP on ${n} rows x ${Z} coalitions x ${N} background rows is ${evaluations.toExponential(2)} model evaluations (limit ${limit.toExponential(0)})`,
      { field: 'rows' },
      'Explain fewer rows (--rows), use a smaller background (--background-size), or use TreeSHAP for tree models.',
    );
  }
  const bw = background.weights;
  const wsum = bw.reduce((a, b) => a + b, 0);
  const wmean = (v: Float64Array, off: number): number => {
    let s = 0;
    for (let b = 0; b < N; b++) s += bw[b] * v[off + b];
    return s / wsum;
  };
  const base = wmean(predict(background.frame.select(columns)), 0);
  // One frame with the background first and the explained rows after; synthetic rows are index gathers.
  const combined = Frame.concat([background.frame.select(columns), rows.select(columns)]);
  const fx = predict(rows.select(columns));
  const values = new Float64Array(n * M);
  const idx = columns.map(() => new Int32Array(Z * N));
  const ey = new Float64Array(Z);
  const P = M - 1;
  const A = new Float64Array(P * P);
  const rhs = new Float64Array(P);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < M; j++) {
      const ix = idx[j];
      for (let z = 0; z < Z; z++) {
        const on = coal.masks[z * M + j] === 1;
        for (let b = 0; b < N; b++) ix[z * N + b] = on ? N + i : b;
      }
    }
    const synth = new Frame(columns.map((c, j) => takeColumn(combined.column(c), idx[j])), Z * N);
    const out = predict(synth);
    for (let z = 0; z < Z; z++) ey[z] = wmean(out, z * N);
    const total = fx[i] - base;
    if (M === 1) {
      values[i] = total;
      continue;
    }
    // Eliminate phi_M = total - sum(phi_1..M-1):  y - z_M total = sum_j phi_j (z_j - z_M).
    A.fill(0);
    rhs.fill(0);
    for (let z = 0; z < Z; z++) {
      const w = coal.weights[z];
      const zm = coal.masks[z * M + M - 1];
      const y = ey[z] - base - zm * total;
      for (let a = 0; a < P; a++) {
        const da = coal.masks[z * M + a] - zm;
        if (da === 0) continue;
        rhs[a] += w * da * y;
        for (let b = 0; b < P; b++) A[a * P + b] += w * da * (coal.masks[z * M + b] - zm);
      }
    }
    const phi = solve(A, rhs, P);
    let s = 0;
    for (let j = 0; j < P; j++) {
      values[i * M + j] = phi[j];
      s += phi[j];
    }
    values[i * M + P] = total - s;
  }
  return { rows: n, columns: [...columns], values, base, fx, coalitions: Z, exact: coal.exact };
}
