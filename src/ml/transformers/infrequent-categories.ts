/**
 * Category counting and sklearn's infrequent-category rules (OneHotEncoder/OrdinalEncoder
 * `min_frequency` and `max_categories`), shared by the one-hot and ordinal fitters.
 */
import type { WorkingSet } from '../../runtime/preprocess/working-set.js';

/** Sorted distinct categories of a column and how often each occurs. */
export interface CategoryCounts {
  readonly categories: readonly string[];
  readonly counts: Int32Array;
  /** Rows in the batch (missing included), the base of fractional `minFrequency`. */
  readonly rows: number;
}

/** Count the categories of a working column (sorted like numpy's unique). */
export function countCategories(work: WorkingSet, column: string, where: string): CategoryCounts {
  const col = work.categorical(column, where);
  const byCode = new Int32Array(col.categories.length);
  for (let i = 0; i < col.codes.length; i++) if (col.codes[i] >= 0) byCode[col.codes[i]]++;
  const present = col.categories.map((c, k) => [c, byCode[k]] as const).filter(([, n]) => n > 0);
  present.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return { categories: present.map((p) => p[0]), counts: Int32Array.from(present.map((p) => p[1])), rows: work.rows };
}

/** Split categories into kept and infrequent ones (order preserved within each). */
export function splitInfrequent(cc: CategoryCounts, minFrequency: number | undefined, maxCategories: number | undefined): { kept: string[]; infrequent: string[] } {
  const k = cc.categories.length;
  const infrequent = new Uint8Array(k);
  if (minFrequency !== undefined) {
    const threshold = Number.isInteger(minFrequency) ? minFrequency : minFrequency * cc.rows;
    for (let j = 0; j < k; j++) if (cc.counts[j] < threshold) infrequent[j] = 1;
  }
  let infrequentCount = 0;
  for (let j = 0; j < k; j++) infrequentCount += infrequent[j];
  const current = k - infrequentCount + (infrequentCount > 0 ? 1 : 0);
  if (maxCategories !== undefined && maxCategories < current) {
    // sklearn: a stable ascending sort by count; all but the (maxCategories - 1) most frequent go.
    const order = Array.from({ length: k }, (_, j) => j).sort((a, b) => cc.counts[a] - cc.counts[b] || a - b);
    const keep = maxCategories - 1;
    for (let p = 0; p < order.length - keep; p++) infrequent[order[p]] = 1;
  }
  const kept: string[] = [];
  const dropped: string[] = [];
  cc.categories.forEach((c, j) => (infrequent[j] ? dropped : kept).push(c));
  return { kept, infrequent: dropped };
}
