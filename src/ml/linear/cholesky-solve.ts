/**
 * Solve a symmetric positive (semi-)definite system by Cholesky factorization. A singular Gram matrix
 * (a constant or duplicated feature) is retried with a growing diagonal jitter, which tends to the
 * minimum-norm least-squares solution, the same answer scikit-learn's lstsq gives.
 */

/** Cholesky-factor `a` (row-major n x n) into `l` (lower); false if not positive definite. */
function factor(a: Float64Array, n: number, jitter: number, l: Float64Array): boolean {
  l.fill(0);
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j] + jitter;
    for (let k = 0; k < j; k++) d -= l[j * n + k] * l[j * n + k];
    if (!(d > 0)) return false;
    const ljj = Math.sqrt(d);
    l[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j];
      for (let k = 0; k < j; k++) s -= l[i * n + k] * l[j * n + k];
      l[i * n + j] = s / ljj;
    }
  }
  return true;
}

/** Solve (a + ridge * I) x = b for symmetric PSD `a` (row-major n x n); returns x and the jitter used. */
export function choleskySolve(a: Float64Array, b: Float64Array, n: number, ridge = 0): { x: Float64Array; jitter: number } {
  const l = new Float64Array(n * n);
  let scale = 0;
  for (let j = 0; j < n; j++) scale = Math.max(scale, Math.abs(a[j * n + j]));
  if (scale === 0) scale = 1;
  let jitter = ridge;
  // A condition-number-relative pivot floor: pivots below it mean the matrix is numerically singular.
  for (let attempt = 0; ; attempt++) {
    if (factor(a, n, jitter, l) && minPivotOk(l, n, scale)) break;
    if (attempt > 12) break;
    jitter = ridge + scale * 1e-12 * Math.pow(10, attempt);
  }
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[i * n + k] * x[k];
    x[i] = s / l[i * n + i];
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = x[i];
    for (let k = i + 1; k < n; k++) s -= l[k * n + i] * x[k];
    x[i] = s / l[i * n + i];
  }
  return { x, jitter };
}

function minPivotOk(l: Float64Array, n: number, scale: number): boolean {
  for (let j = 0; j < n; j++) {
    const d = l[j * n + j];
    if (!(d * d > scale * 1e-13)) return false;
  }
  return true;
}
