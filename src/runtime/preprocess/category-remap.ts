/**
 * Maps a Frame column's own dictionary onto a fitted encoder's category indices by category string.
 * Frames read from different files have different dictionaries, so codes are never compared directly.
 */
import type { CategoricalColumn } from '../../core/frame.js';

/** Index of each category string in a fitted list. */
export function categoryIndex(categories: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  categories.forEach((c, k) => m.set(c, k));
  return m;
}

/**
 * For every code of `col`'s dictionary, the fitted index (from `index`), or `unknown` for categories the
 * encoder never saw. Built once per batch: O(dictionary), not O(rows).
 */
export function remapCodes(col: CategoricalColumn, index: ReadonlyMap<string, number>, unknown: number): Int32Array {
  const remap = new Int32Array(col.categories.length);
  for (let k = 0; k < remap.length; k++) remap[k] = index.get(col.categories[k]) ?? unknown;
  return remap;
}
