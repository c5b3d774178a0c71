/**
 * Pearson correlation between numeric columns over pairwise-complete rows (pandas `DataFrame.corr()`),
 * streamed: each chunk's co-moments are merged with Chan's pairwise formulas. Within a chunk every
 * column is shifted by its own mean (so the sums stay small and accurate) and the pairwise-complete
 * sums come out of blocked dot products for every pair, corrected by a pass over just the missing
 * cells of columns that have any.
 */
import type { CorrelationMatrix } from './profile-types.js';

// Rows per block: k x 1024 float64 values stay in L2 for k up to ~60 columns.
const BLOCK = 1024;

/** Shifted sums of one chunk, k x k row-major (see `chunkSums`). */
interface ChunkSums {
  uu: Float64Array;
  um: Float64Array;
  u2m: Float64Array;
  n: Float64Array;
}

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
    if (k === 0 || columns[0].length === 0) return;
    const rows = columns[0].length;
    // Shift every column by its own chunk mean; missing cells become 0 and carry a 0/1 mask.
    const shift = new Float64Array(k);
    const count = new Float64Array(k);
    for (let c = 0; c < k; c++) {
      const v = columns[c];
      let n = 0;
      let sum = 0;
      for (let i = 0; i < rows; i++) {
        const x = v[i];
        // Finite only: NaN and ±Infinity are missing here.
        if (x - x === 0) {
          n++;
          sum += x;
        }
      }
      count[c] = n;
      shift[c] = n > 0 ? sum / n : 0;
    }
    const g = this.chunkSums(columns, shift, count, rows);
    for (let i = 0; i < k; i++) {
      for (let j = i; j < k; j++) {
        const n = i === j ? count[i] : g.n[i * k + j];
        if (n === 0) continue;
        const su = g.um[i * k + j];
        const sv = g.um[j * k + i];
        const sxy = i === j ? g.u2m[i * k + i] - (su * su) / n : g.uu[i * k + j] - (su * sv) / n;
        this.merge(i * k + j, n, shift[i] + su / n, shift[j] + sv / n, g.u2m[i * k + j] - (su * su) / n, g.u2m[j * k + i] - (sv * sv) / n, sxy);
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

  // With u = x - shift (0 where missing) and m the 0/1 presence mask, for every ordered pair (a, b):
  // uu = Σ u_a u_b, um = Σ u_a m_b, u2m = Σ u_a² m_b, n = Σ m_a m_b — the shifted sums over the rows
  // where both are present. um and u2m are column totals minus the rows where b is missing, so their
  // cost follows the number of missing cells, not rows. Row blocks keep the working set in cache.
  private chunkSums(columns: readonly Float64Array[], shift: Float64Array, count: Float64Array, rows: number): ChunkSums {
    const k = this.k;
    const uu = new Float64Array(k * k);
    const um = new Float64Array(k * k);
    const u2m = new Float64Array(k * k);
    const n = new Float64Array(k * k);
    if (this.centered.length < k * BLOCK) this.centered = new Float64Array(k * BLOCK);
    const buf = this.centered;
    const colSum = new Float64Array(k);
    const colSq = new Float64Array(k);
    const missingRows = new Int32Array(BLOCK);
    for (let start = 0; start < rows; start += BLOCK) {
      const len = Math.min(BLOCK, rows - start);
      for (let a = 0; a < k; a++) {
        const v = columns[a];
        const m = shift[a];
        const base = a * BLOCK;
        let s1 = 0;
        let s2 = 0;
        for (let i = 0; i < len; i++) {
          const x = v[start + i];
          const u = x - x === 0 ? x - m : 0;
          buf[base + i] = u;
          s1 += u;
          s2 += u * u;
        }
        colSum[a] += s1;
        colSq[a] += s2;
      }
      this.blockDots(buf, len, uu);
      for (let b = 0; b < k; b++) {
        if (count[b] === rows) continue;
        const v = columns[b];
        let miss = 0;
        for (let i = 0; i < len; i++) if (v[start + i] - v[start + i] !== 0) missingRows[miss++] = i;
        if (miss === 0) continue;
        for (let a = 0; a < k; a++) {
          if (a === b) continue;
          const ba = a * BLOCK;
          const va = columns[a];
          let s1 = 0;
          let s2 = 0;
          let both = 0;
          for (let r = 0; r < miss; r++) {
            const u = buf[ba + missingRows[r]];
            s1 += u;
            s2 += u * u;
            if (va[start + missingRows[r]] - va[start + missingRows[r]] !== 0) both++;
          }
          // Stored as what to subtract from the column totals; n[a * k + b] counts rows missing in both.
          um[a * k + b] -= s1;
          u2m[a * k + b] -= s2;
          if (a < b) n[a * k + b] += both;
        }
      }
    }
    for (let a = 0; a < k; a++) {
      for (let b = 0; b < k; b++) {
        um[a * k + b] += colSum[a];
        u2m[a * k + b] += colSq[a];
        // Rows where both are present: all rows minus missing in a, minus missing in b, plus both.
        if (a < b) n[a * k + b] += rows - (rows - count[a]) - (rows - count[b]);
      }
    }
    return { uu, um, u2m, n };
  }

  // uu[a * k + b] += Σ u_a u_b over one block, for a < b (the diagonal may be written too; it is not
  // read). Tiles of 2 x 4 columns: six loads feed eight products, which keeps V8's scalar code busy.
  private blockDots(buf: Float64Array, len: number, uu: Float64Array): void {
    const k = this.k;
    let a = 0;
    for (; a + 1 < k; a += 2) {
      const a0 = a * BLOCK;
      const a1 = a0 + BLOCK;
      // Column a + 1 pairs with a on its own; the tiles then cover b >= a + 2 for both rows.
      let s = 0;
      for (let i = 0; i < len; i++) s += buf[a0 + i] * buf[a1 + i];
      uu[a * k + a + 1] += s;
      let b = a + 2;
      for (; b + 3 < k; b += 4) {
        const b0 = b * BLOCK;
        const b1 = b0 + BLOCK;
        const b2 = b1 + BLOCK;
        const b3 = b2 + BLOCK;
        let s00 = 0;
        let s01 = 0;
        let s02 = 0;
        let s03 = 0;
        let s10 = 0;
        let s11 = 0;
        let s12 = 0;
        let s13 = 0;
        for (let i = 0; i < len; i++) {
          const x = buf[a0 + i];
          const y = buf[a1 + i];
          const v0 = buf[b0 + i];
          const v1 = buf[b1 + i];
          const v2 = buf[b2 + i];
          const v3 = buf[b3 + i];
          s00 += x * v0;
          s01 += x * v1;
          s02 += x * v2;
          s03 += x * v3;
          s10 += y * v0;
          s11 += y * v1;
          s12 += y * v2;
          s13 += y * v3;
        }
        const r0 = a * k + b;
        const r1 = r0 + k;
        uu[r0] += s00;
        uu[r0 + 1] += s01;
        uu[r0 + 2] += s02;
        uu[r0 + 3] += s03;
        uu[r1] += s10;
        uu[r1 + 1] += s11;
        uu[r1 + 2] += s12;
        uu[r1 + 3] += s13;
      }
      for (; b < k; b++) {
        const bb = b * BLOCK;
        let t0 = 0;
        let t1 = 0;
        for (let i = 0; i < len; i++) {
          const v = buf[bb + i];
          t0 += buf[a0 + i] * v;
          t1 += buf[a1 + i] * v;
        }
        uu[a * k + b] += t0;
        uu[(a + 1) * k + b] += t1;
      }
    }
    // An odd last column has no partners after it.
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
