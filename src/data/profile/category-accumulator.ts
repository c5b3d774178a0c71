/**
 * Streaming statistics of one categorical, boolean or text column: value counts keyed by string (so
 * chunks with different dictionaries agree), top values, and string lengths.
 */
import { BOOL_MISSING } from '../../core/frame.js';
import { CategoryCounter } from './category-counter.js';
import type { StringLengthStats, ValueCount } from './profile-types.js';

/** Rough heap cost of a JS string beyond its UTF-16 payload (header and hash). */
export const STRING_OVERHEAD_BYTES = 16;

/** Final statistics of a string-valued (or boolean) column. */
export interface CategorySummary {
  count: number;
  missing: number;
  distinct: number;
  distinctExact: boolean;
  topCategories: ValueCount[];
  otherCount: number;
  topCategoriesExact: boolean;
  stringLength: StringLengthStats | null;
  /** Estimated bytes of the strings themselves (dictionary for categorical, every value for text). */
  stringBytes: number;
}

/** Accumulates one categorical, boolean or text column over chunks. */
export class CategoryAccumulator {
  private readonly counter: CategoryCounter;
  private missing = 0;
  private lenMin = Infinity;
  private lenMax = -Infinity;
  private lenSum = 0;
  private textBytes = 0;

  constructor(
    private readonly kind: 'categorical' | 'boolean' | 'text',
    exactDistinctLimit: number,
  ) {
    this.counter = new CategoryCounter(exactDistinctLimit);
  }

  /** Fold a chunk of dictionary codes (-1 = missing). */
  addCategorical(codes: Int32Array, categories: readonly string[]): void {
    const counts = new Float64Array(categories.length);
    let missing = 0;
    for (let i = 0; i < codes.length; i++) {
      const c = codes[i];
      if (c < 0) missing++;
      else counts[c]++;
    }
    this.missing += missing;
    for (let k = 0; k < counts.length; k++) {
      const c = counts[k];
      if (c === 0) continue;
      this.counter.add(categories[k], c);
      this.addLength(categories[k].length, c);
    }
  }

  /** Fold a chunk of booleans (0, 1, 255 = missing). */
  addBoolean(values: Uint8Array): void {
    let t = 0;
    let f = 0;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v === 1) t++;
      else if (v !== BOOL_MISSING) f++;
    }
    this.missing += values.length - t - f;
    this.counter.add('true', t);
    this.counter.add('false', f);
  }

  /** Fold a chunk of free-text values (null = missing). */
  addText(values: readonly (string | null)[]): void {
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v === null) {
        this.missing++;
        continue;
      }
      this.counter.add(v, 1);
      this.addLength(v.length, 1);
      this.textBytes += STRING_OVERHEAD_BYTES + 2 * v.length;
    }
  }

  /** The final statistics. */
  summary(topK: number): CategorySummary {
    const count = this.counter.totalCount;
    const top = this.counter.top(topK);
    let listed = 0;
    for (const t of top) listed += t.count;
    let stringBytes = this.textBytes;
    if (this.kind === 'categorical') {
      for (const [value] of this.counter.entries()) stringBytes += STRING_OVERHEAD_BYTES + 2 * value.length;
    }
    return {
      count,
      missing: this.missing,
      distinct: this.counter.distinct(),
      distinctExact: this.counter.exact,
      topCategories: top,
      otherCount: count - listed,
      topCategoriesExact: this.counter.exact,
      stringLength:
        this.kind === 'boolean' || count === 0 ? null : { min: this.lenMin, max: this.lenMax, mean: this.lenSum / count },
      stringBytes,
    };
  }

  private addLength(len: number, times: number): void {
    if (len < this.lenMin) this.lenMin = len;
    if (len > this.lenMax) this.lenMax = len;
    this.lenSum += len * times;
  }
}
