/**
 * Pearson correlation between numeric columns over pairwise-complete rows (pandas `DataFrame.corr()`),
 * streamed: each chunk's co-moments are merged with Chan's pairwise formulas. Pairs of columns with no
 * missing values in a chunk share per-column centering and run as blocked dot products (cache-sized
 * row blocks); pairs touching a missing value take a masked two-pass path.
 */
import type { CorrelationMatrix } from './profile-types.js';

const BLOCK = 4096;

/** Accumulates the Pearson matrix of a fixed list of numeric columns. */
export class PearsonAccumulator {
  private readonly k: number;
  // Per pair (i < j, row-major upper triangle incl. diagonal): count, means, co-moment sums.
  private readonly n: Float64Array;
  private readonly mx: Float64Array;
  private readonly my: Float64Array;
  private readonly sxx: Float64Array;
  private readonly syy: Float64Array;
  private readonly sxy: Float64Array;
  private centered = new Float64Array(0);

  constructor(private readonly names: readonly string[]) {
    this.k = names.length;
    const pairs = this.k * this.k;
    this.n = new Float64Array(pairs);
    this.mx = new Float64Array(pairs);
    this.my = new Float64Array(pairs);
    this.sxx = new Float64Array(pairs);
    this.syy = new Float64Array(pairs);
    this.sxy = new Float64Array(pairs);
  }

  /** Fold a chunk: one Float64Array per column, in the constructor's order (NaN = missing). */
  add(columns: readonly Float64Array[]): void {
    const k = this.k;
    if (k === 0) return;
    const rows = columns[0].length;
    if (rows === 0) return;
    const complete: number[] = [];
    const mean = new Float64Array(k);
    const m2 = new Float64Array(k);
    for (let c = 0; c < k; c++) {
      const v = columns[c];
      let nan = false;
      let sum = 0;
      for (let i = 0; i < rows; i++) {
        const x = v[i];
        if (x !== x) {
          nan = true;
          break;
        }
        sum += x;
      }
      if (nan) continue;
      const m0 = sum / rows;
      let d = 0;
      let d2 = 0;
      for (let i = 0; i < rows; i++) {
        const e = v[i] - m0;
        d += e;
        d2 += e * e;
      }
      mean[c] = m0 + d / rows;
      m2[c] = d2 - (d * d) / rows;
      complete.push(c);
    }
    // Position of each column among the complete ones, -1 when it has a missing value in this chunk.
    const pos = new Int32Array(k).fill(-1);
    complete.forEach((c, idx) => (pos[c] = idx));
    const chunkSxy = this.completeCoMoments(columns, complete, mean, rows);
    const q = complete.length;
    for (let i = 0; i < k; i++) {
      for (let j = i; j < k; j++) {
        if (pos[i] >= 0 && pos[j] >= 0) {
          const sxy = i === j ? m2[i] : chunkSxy[pos[i] * q + pos[j]];
          this.merge(i * k + j, rows, mean[i], mean[j], m2[i], m2[j], sxy);
        } else {
          this.maskedPair(i, j, columns[i], columns[j]);
        }
      }
    }
  }

  /** The correlation matrix; `null` where a column is constant or has no complete pairs. */
  result(): CorrelationMatrix {
    const k = this.k;
    const matrix: (number | null)[][] = [];
    for (let i = 0; i < k; i++) {
      const row: (number | null)[] = [];
      for (let j = 0; j < k; j++) {
        const p = i <= j ? i * k + j : j * k + i;
        const denom = Math.sqrt(this.sxx[p] * this.syy[p]);
        if (this.n[p] < 2 || !(denom > 0)) row.push(null);
        else if (i === j) row.push(1);
        else row.push(Math.max(-1, Math.min(1, this.sxy[p] / denom)));
      }
      matrix.push(row);
    }
    return { columns: [...this.names], matrix };
  }

  // Sum of (x - mean_x)(y - mean_y) for every pair of complete columns, by row blocks of centered values.
  private completeCoMoments(columns: readonly Float64Array[], complete: number[], mean: Float64Array, rows: number): Float64Array {
    const q = complete.length;
    const out = new Float64Array(q * q);
    if (q === 0) return out;
    if (this.centered.length < q * BLOCK) this.centered = new Float64Array(q * BLOCK);
    const buf = this.centered;
    for (let start = 0; start < rows; start += BLOCK) {
      const len = Math.min(BLOCK, rows - start);
      for (let a = 0; a < q; a++) {
        const v = columns[complete[a]];
        const m = mean[complete[a]];
        const base = a * BLOCK;
        for (let i = 0; i < len; i++) buf[base + i] = v[start + i] - m;
      }
      for (let a = 0; a < q; a++) {
        const ba = a * BLOCK;
        let b = a + 1;
        // Four partners at a time: each load of column a feeds four products.
        for (; b + 3 < q; b += 4) {
          const b0 = b * BLOCK;
          const b1 = b0 + BLOCK;
          const b2 = b1 + BLOCK;
          const b3 = b2 + BLOCK;
          let s0 = 0;
          let s1 = 0;
          let s2 = 0;
          let s3 = 0;
          for (let i = 0; i < len; i++) {
            const x = buf[ba + i];
            s0 += x * buf[b0 + i];
            s1 += x * buf[b1 + i];
            s2 += x * buf[b2 + i];
            s3 += x * buf[b3 + i];
          }
          out[a * q + b] += s0;
          out[a * q + b + 1] += s1;
          out[a * q + b + 2] += s2;
          out[a * q + b + 3] += s3;
        }
        for (; b < q; b++) {
          const bb = b * BLOCK;
          let s0 = 0;
          for (let i = 0; i < len; i++) s0 += buf[ba + i] * buf[bb + i];
          out[a * q + b] += s0;
        }
      }
    }
    return out;
  }

  // Pairwise-complete rows of one pair when either column has a missing value in this chunk.
  private maskedPair(i: number, j: number, x: Float64Array, y: Float64Array): void {
    let n = 0;
    let sx = 0;
    let sy = 0;
    for (let r = 0; r < x.length; r++) {
      const a = x[r];
      const b = y[r];
      if (a !== a || b !== b) continue;
      n++;
      sx += a;
      sy += b;
    }
    if (n === 0) return;
    const mx0 = sx / n;
    const my0 = sy / n;
    let dx = 0;
    let dy = 0;
    let dxx = 0;
    let dyy = 0;
    let dxy = 0;
    for (let r = 0; r < x.length; r++) {
      const a = x[r];
      const b = y[r];
      if (a !== a || b !== b) continue;
      const ea = a - mx0;
      const eb = b - my0;
      dx += ea;
      dy += eb;
      dxx += ea * ea;
      dyy += eb * eb;
      dxy += ea * eb;
    }
    this.merge(i * this.k + j, n, mx0 + dx / n, my0 + dy / n, dxx - (dx * dx) / n, dyy - (dy * dy) / n, dxy - (dx * dy) / n);
  }

  // Chan et al.: combine (n, means, co-moments) of the rows so far with a chunk's.
  private merge(p: number, nb: number, mxb: number, myb: number, sxxb: number, syyb: number, sxyb: number): void {
    const na = this.n[p];
    const n = na + nb;
    const dx = mxb - this.mx[p];
    const dy = myb - this.my[p];
    const f = (na * nb) / n;
    this.sxx[p] += sxxb + dx * dx * f;
    this.syy[p] += syyb + dy * dy * f;
    this.sxy[p] += sxyb + dx * dy * f;
    this.mx[p] += (dx * nb) / n;
    this.my[p] += (dy * nb) / n;
    this.n[p] = n;
  }
}
