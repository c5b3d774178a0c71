/**
 * Duplicate rows across a stream of chunks: each row is hashed over all its cells into two independent
 * 32-bit lanes (one 64-bit key) and looked up in a `RowHashSet`. Two different rows share a key with
 * probability about n^2 / 2^65 over n rows (≈ 3e-8 at 1M rows, ≈ 3e-4 at 100M), so the count is exact
 * unless that unlikely collision happens, in which case it over-counts by one. Equality follows pandas'
 * `duplicated()`: missing equals missing, -0 equals 0, categories compare by string.
 */
import { BOOL_MISSING } from '../../core/frame.js';
import type { Column, Frame } from '../../core/frame.js';
import { RowHashSet } from './row-hash-set.js';
import { hashString, mix32 } from './value-hash.js';

const SEED_A = 0x5bd1e995;
const SEED_B = 0x27d4eb2f;
const MISSING_A = 0x3c6ef372;
const MISSING_B = 0xa54ff53a;

/** Counts rows equal to an earlier row. */
export class DuplicateRowCounter {
  private readonly set = new RowHashSet();
  private duplicates = 0;
  private laneA = new Uint32Array(0);
  private laneB = new Uint32Array(0);

  /** Fold a chunk's rows. */
  add(frame: Frame): void {
    const n = frame.rowCount;
    if (this.laneA.length < n) {
      this.laneA = new Uint32Array(n);
      this.laneB = new Uint32Array(n);
    }
    const a = this.laneA;
    const b = this.laneB;
    a.fill(SEED_A, 0, n);
    b.fill(SEED_B, 0, n);
    for (const col of frame.columns) hashColumn(col, n, a, b);
    for (let i = 0; i < n; i++) if (!this.set.add(a[i], b[i])) this.duplicates++;
  }

  /** Rows seen that equal an earlier row. */
  get count(): number {
    return this.duplicates;
  }
}

// Lane updates take one 32-bit word per cell (two for float64): mix the running hash with the word.
function fold(h: number, w: number, k: number): number {
  return mix32((Math.imul(h ^ w, k) + 0x7f4a7c15) >>> 0);
}

function hashColumn(col: Column, n: number, a: Uint32Array, b: Uint32Array): void {
  switch (col.type) {
    case 'numeric':
    case 'timestamp': {
      const v = col.values;
      const words = new Uint32Array(v.buffer, v.byteOffset, n * 2);
      for (let i = 0; i < n; i++) {
        const x = v[i];
        let lo = words[2 * i];
        let hi = words[2 * i + 1];
        if (x === 0) lo = hi = 0;
        else if (x !== x) {
          lo = MISSING_A;
          hi = MISSING_B;
        }
        a[i] = fold(fold(a[i], lo, 0x9e3779b1), hi, 0x85ebca77);
        b[i] = fold(fold(b[i], hi, 0xc2b2ae3d), lo, 0x27d4eb2f);
      }
      return;
    }
    case 'categorical': {
      const k = col.categories.length;
      const ha = new Uint32Array(k);
      const hb = new Uint32Array(k);
      for (let c = 0; c < k; c++) {
        ha[c] = hashString(col.categories[c], SEED_A);
        hb[c] = hashString(col.categories[c], SEED_B);
      }
      const codes = col.codes;
      for (let i = 0; i < n; i++) {
        const c = codes[i];
        a[i] = fold(a[i], c < 0 ? MISSING_A : ha[c], 0x9e3779b1);
        b[i] = fold(b[i], c < 0 ? MISSING_B : hb[c], 0xc2b2ae3d);
      }
      return;
    }
    case 'boolean': {
      const v = col.values;
      for (let i = 0; i < n; i++) {
        const x = v[i] === BOOL_MISSING ? MISSING_A : v[i];
        a[i] = fold(a[i], x, 0x9e3779b1);
        b[i] = fold(b[i], x, 0xc2b2ae3d);
      }
      return;
    }
    case 'text': {
      const v = col.values;
      for (let i = 0; i < n; i++) {
        const s = v[i];
        a[i] = fold(a[i], s === null ? MISSING_A : hashString(s, SEED_A), 0x9e3779b1);
        b[i] = fold(b[i], s === null ? MISSING_B : hashString(s, SEED_B), 0xc2b2ae3d);
      }
      return;
    }
  }
}
