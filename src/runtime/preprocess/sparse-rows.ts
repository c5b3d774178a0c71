/**
 * `SparseRows`: a compressed sparse row (CSR) matrix, the layout of TF-IDF and hashing outputs before
 * they are scattered into dense FeatureMatrix columns (and what `tfidfTransformSparse` returns).
 */

/** CSR matrix: row i holds `indices/data[indptr[i] .. indptr[i+1])`, column indices ascending. */
export interface SparseRows {
  readonly rows: number;
  readonly cols: number;
  readonly indptr: Int32Array;
  readonly indices: Int32Array;
  readonly data: Float64Array;
}

/** Collects rows of (column, value) pairs into a SparseRows, summing duplicates and normalizing. */
export class SparseRowsBuilder {
  private readonly cols: number;
  private readonly norm: 'l2' | 'none';
  private readonly indptr: number[] = [0];
  private readonly indices: number[] = [];
  private readonly data: number[] = [];
  private readonly acc = new Map<number, number>();

  constructor(cols: number, norm: 'l2' | 'none') {
    this.cols = cols;
    this.norm = norm;
  }

  /** Add `value` at column `j` of the current row. */
  add(j: number, value: number): void {
    this.acc.set(j, (this.acc.get(j) ?? 0) + value);
  }

  /** Close the current row, optionally scaling each value by `weights[j]` first. */
  endRow(weights?: Float64Array): void {
    const keys = [...this.acc.keys()].sort((a, b) => a - b);
    let sq = 0;
    const start = this.data.length;
    for (const j of keys) {
      const v = (this.acc.get(j) as number) * (weights ? weights[j] : 1);
      // sklearn drops explicit zeros (a hashed +1 and -1 cancelling out) from its sparse output.
      if (v === 0) continue;
      this.indices.push(j);
      this.data.push(v);
      sq += v * v;
    }
    if (this.norm === 'l2' && sq > 0) {
      const inv = Math.sqrt(sq);
      for (let p = start; p < this.data.length; p++) this.data[p] /= inv;
    }
    this.indptr.push(this.data.length);
    this.acc.clear();
  }

  /** The finished matrix. */
  build(): SparseRows {
    return { rows: this.indptr.length - 1, cols: this.cols, indptr: Int32Array.from(this.indptr), indices: Int32Array.from(this.indices), data: Float64Array.from(this.data) };
  }
}

/** Dense column-major copies of each column of a SparseRows (for FeatureMatrix outputs). */
export function sparseToDenseColumns(m: SparseRows): Float64Array[] {
  const outs: Float64Array[] = [];
  for (let j = 0; j < m.cols; j++) outs.push(new Float64Array(m.rows));
  for (let i = 0; i < m.rows; i++) {
    for (let p = m.indptr[i]; p < m.indptr[i + 1]; p++) outs[m.indices[p]][i] = m.data[p];
  }
  return outs;
}
