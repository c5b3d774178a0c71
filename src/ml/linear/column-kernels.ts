/**
 * The two dense kernels every linear solver spends its time in, on column-major data: X b (scores)
 * and X' v (gradients, Gram rows). Both take four columns per pass over the rows, so the row vector
 * is read and written a quarter as often (PERFORMANCE.md: unrolling by 4 features pays ~2x).
 */

/** out[i] += sum_{j < cols} data[j * rows + i] * coef[coefStart + j * coefStride]. */
export function addScores(data: Float64Array, rows: number, cols: number, coef: Float64Array, coefStart: number, coefStride: number, out: Float64Array): void {
  let j = 0;
  for (; j + 3 < cols; j += 4) {
    const c0 = coef[coefStart + j * coefStride];
    const c1 = coef[coefStart + (j + 1) * coefStride];
    const c2 = coef[coefStart + (j + 2) * coefStride];
    const c3 = coef[coefStart + (j + 3) * coefStride];
    if (c0 === 0 && c1 === 0 && c2 === 0 && c3 === 0) continue;
    const b0 = j * rows;
    const b1 = b0 + rows;
    const b2 = b1 + rows;
    const b3 = b2 + rows;
    for (let i = 0; i < rows; i++) out[i] += data[b0 + i] * c0 + data[b1 + i] * c1 + data[b2 + i] * c2 + data[b3 + i] * c3;
  }
  for (; j < cols; j++) {
    const c = coef[coefStart + j * coefStride];
    if (c === 0) continue;
    const b = j * rows;
    for (let i = 0; i < rows; i++) out[i] += data[b + i] * c;
  }
}

/** out[outStart + j] = sum_i data[j * rows + i] * v[i] for columns j in [0, cols). */
export function columnDots(data: Float64Array, rows: number, cols: number, v: Float64Array, out: Float64Array, outStart: number): void {
  let j = 0;
  for (; j + 3 < cols; j += 4) {
    const b0 = j * rows;
    const b1 = b0 + rows;
    const b2 = b1 + rows;
    const b3 = b2 + rows;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let i = 0; i < rows; i++) {
      const vi = v[i];
      s0 += data[b0 + i] * vi;
      s1 += data[b1 + i] * vi;
      s2 += data[b2 + i] * vi;
      s3 += data[b3 + i] * vi;
    }
    out[outStart + j] = s0;
    out[outStart + j + 1] = s1;
    out[outStart + j + 2] = s2;
    out[outStart + j + 3] = s3;
  }
  for (; j < cols; j++) {
    const b = j * rows;
    let s = 0;
    for (let i = 0; i < rows; i++) s += data[b + i] * v[i];
    out[outStart + j] = s;
  }
}
