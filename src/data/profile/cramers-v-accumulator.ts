/**
 * Cramér's V between categorical/boolean columns, bias-uncorrected, as
 * `scipy.stats.contingency.association(table, method='cramer')` computes it on the pandas crosstab of
 * pairwise-complete rows: V = sqrt(chi2 / (n * (min(r, c) - 1))) without Yates' correction. Streaming
 * contingency tables are keyed by category string; a column is dropped (and reported as skipped) once
 * it shows more than `maxCategories` distinct values.
 */
import { BOOL_MISSING } from '../../core/frame.js';
import type { Column } from '../../core/frame.js';
import type { CorrelationMatrix, SkippedColumn } from './profile-types.js';

interface Tracked {
  name: string;
  dict: Map<string, number>;
  dropped: boolean;
  codes: Int32Array;
}

/** Accumulates pairwise contingency tables of a fixed list of categorical/boolean columns. */
export class CramersVAccumulator {
  private readonly cols: Tracked[];
  private readonly tables: Float64Array[];
  private readonly cap: number;

  constructor(names: readonly string[], maxCategories: number) {
    this.cap = maxCategories;
    this.cols = names.map((name) => ({ name, dict: new Map<string, number>(), dropped: false, codes: new Int32Array(0) }));
    const k = names.length;
    this.tables = [];
    for (let p = 0; p < k * k; p++) this.tables.push(new Float64Array(0));
  }

  /** Fold a chunk: the tracked columns, in the constructor's order. */
  add(columns: readonly Column[]): void {
    const k = this.cols.length;
    const cap = this.cap;
    const rows = columns.length > 0 ? (columns[0].type === 'categorical' ? columns[0].codes.length : columns[0].values.length) : 0;
    for (let c = 0; c < k; c++) this.remap(this.cols[c], columns[c], rows);
    for (let i = 0; i < k; i++) {
      const a = this.cols[i];
      if (a.dropped) continue;
      for (let j = i + 1; j < k; j++) {
        const b = this.cols[j];
        if (b.dropped) continue;
        const p = i * k + j;
        if (this.tables[p].length === 0) this.tables[p] = new Float64Array(cap * cap);
        const t = this.tables[p];
        const ca = a.codes;
        const cb = b.codes;
        for (let r = 0; r < rows; r++) {
          const x = ca[r];
          const y = cb[r];
          if (x >= 0 && y >= 0) t[x * cap + y]++;
        }
      }
    }
  }

  /** The V matrix over the columns that stayed under the cap, and the ones that did not. */
  result(): CorrelationMatrix & { skipped: SkippedColumn[] } {
    const k = this.cols.length;
    const keep: number[] = [];
    const skipped: SkippedColumn[] = [];
    this.cols.forEach((c, idx) => {
      if (c.dropped) skipped.push({ column: c.name, reason: `more than ${this.cap} distinct values` });
      else keep.push(idx);
    });
    const matrix = keep.map((i) =>
      keep.map((j) => {
        if (i === j) return this.cols[i].dict.size >= 2 ? 1 : null;
        const p = i < j ? i * k + j : j * k + i;
        return cramersV(this.tables[p], this.cap);
      }),
    );
    return { columns: keep.map((i) => this.cols[i].name), matrix, skipped };
  }

  // Translate a chunk's codes to the column's global string-keyed codes (only values that occur, so
  // a chunk dictionary listing unused categories costs nothing); drop a column once it passes the cap.
  private remap(t: Tracked, col: Column, rows: number): void {
    if (t.dropped) return;
    if (t.codes.length < rows) t.codes = new Int32Array(rows);
    const out = t.codes;
    if (col.type === 'categorical') {
      const local = new Int32Array(col.categories.length).fill(-2);
      for (let r = 0; r < rows; r++) {
        const c = col.codes[r];
        if (c < 0) {
          out[r] = -1;
          continue;
        }
        if (local[c] === -2) local[c] = this.code(t, col.categories[c]);
        out[r] = local[c];
      }
    } else if (col.type === 'boolean') {
      let falseCode = -2;
      let trueCode = -2;
      for (let r = 0; r < rows; r++) {
        const v = col.values[r];
        if (v === BOOL_MISSING) out[r] = -1;
        else if (v === 1) out[r] = trueCode === -2 ? (trueCode = this.code(t, 'true')) : trueCode;
        else out[r] = falseCode === -2 ? (falseCode = this.code(t, 'false')) : falseCode;
      }
    }
    if (t.dict.size > this.cap) t.dropped = true;
  }

  private code(t: Tracked, value: string): number {
    let c = t.dict.get(value);
    if (c === undefined) {
      c = t.dict.size;
      t.dict.set(value, c);
    }
    return c;
  }
}

// Chi-squared of the table restricted to non-empty rows/columns (what a crosstab would show).
function cramersV(table: Float64Array, cap: number): number | null {
  if (table.length === 0) return null;
  const rowSum = new Float64Array(cap);
  const colSum = new Float64Array(cap);
  let n = 0;
  for (let x = 0; x < cap; x++) {
    for (let y = 0; y < cap; y++) {
      const o = table[x * cap + y];
      rowSum[x] += o;
      colSum[y] += o;
      n += o;
    }
  }
  let r = 0;
  let c = 0;
  for (let i = 0; i < cap; i++) {
    if (rowSum[i] > 0) r++;
    if (colSum[i] > 0) c++;
  }
  const dof = Math.min(r, c) - 1;
  if (n === 0 || dof <= 0) return null;
  let chi2 = 0;
  for (let x = 0; x < cap; x++) {
    if (rowSum[x] === 0) continue;
    for (let y = 0; y < cap; y++) {
      if (colSum[y] === 0) continue;
      const e = (rowSum[x] * colSum[y]) / n;
      const d = table[x * cap + y] - e;
      chi2 += (d * d) / e;
    }
  }
  return Math.min(1, Math.sqrt(chi2 / n / dof));
}
