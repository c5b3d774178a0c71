/**
 * Leaf lookup in a freshly grown tree, for rows the partition did not place: out-of-bag training rows
 * (by bins) and validation rows (by raw values, with exactly the runtime's comparisons).
 */
import type { BinLayout } from './bin-mapper.js';
import type { GrownTree } from './tree-grower.js';

/** Leaf of training row r given row-major bins. */
export function leafOfBinnedRow(t: GrownTree, layout: BinLayout, bins: Uint8Array, r: number): number {
  if (t.numNodes === 0) return 0;
  const F = layout.features;
  let n = 0;
  while (n >= 0) {
    const f = t.feature[n];
    const b = bins[r * F + f];
    let goLeft: boolean;
    if (b === layout.numBins[f]) goLeft = t.defaultLeft[n] === 1;
    else if (t.categorical[n] === 1) goLeft = ((t.catBits[n * 8 + (b >> 5)] >>> (b & 31)) & 1) === 1;
    else goLeft = b <= t.thresholdBin[n];
    n = goLeft ? t.left[n] : t.right[n];
  }
  return ~n;
}

/** Leaf of row i of a column-major matrix with `rows` rows, comparing raw values like the runtime. */
export function leafOfRawRow(t: GrownTree, layout: BinLayout, data: Float64Array, rows: number, i: number): number {
  if (t.numNodes === 0) return 0;
  let n = 0;
  while (n >= 0) {
    const f = t.feature[n];
    const x = data[f * rows + i];
    let goLeft: boolean;
    if (t.categorical[n] === 1) {
      if (x >= 0 && x < layout.categoryCounts[f]) {
        const c = x | 0;
        goLeft = ((t.catBits[n * 8 + (c >> 5)] >>> (c & 31)) & 1) === 1;
      } else goLeft = t.defaultLeft[n] === 1;
    } else {
      goLeft = x <= layout.uppers[f][t.thresholdBin[n]] || (x !== x && t.defaultLeft[n] === 1);
    }
    n = goLeft ? t.left[n] : t.right[n];
  }
  return ~n;
}
