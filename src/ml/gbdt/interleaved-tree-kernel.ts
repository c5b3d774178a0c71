/**
 * Batch-scoring kernel for numeric-only models on the ml side: walks eight rows through a tree at once.
 * The runtime's block walk follows one row to its leaf before starting the next, so every step waits
 * for the previous node load (a dependent chain of ~5-10 loads per row and tree); eight independent
 * walks in one loop let the CPU overlap those chains. Leaves become nodes that point to themselves
 * (threshold +Infinity: every non-NaN value goes "left" back to the leaf), so a walk that reached
 * its leaf simply stays there until the slowest of the eight is done. Only NaN-free row blocks use it
 * (NaN <= +Infinity is false), and each row's leaf values are added in tree order, so scores are
 * bit-identical to the runtime kernel's `scoreRows`.
 */
import type { CompactTrees } from '../../runtime/gbdt/compact-trees.js';
import { SCORE_BLOCK, scoreRows } from '../../runtime/gbdt/compact-trees.js';

/** Node arrays with leaves appended as self-loops (leaf j is node `leafBase + j`). */
export interface InterleavedTrees {
  readonly trees: CompactTrees;
  readonly leafBase: number;
  /** Left child at 2n, right at 2n + 1; a leaf's children are itself. */
  readonly kids: Int32Array;
  readonly thr: Float64Array;
  readonly feature: Int32Array;
}

/** Rows walked together. */
const LANES = 8;

/** Build the interleaved layout of a numeric-only model, or undefined (categorical splits: use `scoreRows`). */
export function interleavedTrees(t: CompactTrees): InterleavedTrees | undefined {
  if (t.hasCategorical) return undefined;
  const nn = t.feature.length;
  const nl = t.leafValues.length;
  const kids = new Int32Array(2 * (nn + nl));
  const thr = new Float64Array(nn + nl);
  const feature = new Int32Array(nn + nl);
  for (let n = 0; n < nn; n++) {
    const l = t.kids[2 * n];
    const r = t.kids[2 * n + 1];
    kids[2 * n] = l >= 0 ? l : nn + ~l;
    kids[2 * n + 1] = r >= 0 ? r : nn + ~r;
    thr[n] = t.thr[n];
    feature[n] = t.feature[n];
  }
  for (let j = 0; j < nl; j++) {
    const n = nn + j;
    kids[2 * n] = n;
    kids[2 * n + 1] = n;
    thr[n] = Infinity;
  }
  return { trees: t, leafBase: nn, kids, thr, feature };
}

/** Root node of tree `ti` in the interleaved layout (a single-leaf tree's root is its leaf node). */
function rootOf(it: InterleavedTrees, ti: number): number {
  const r = it.trees.roots[ti];
  return r >= 0 ? r : it.leafBase + ~r;
}

/** `scoreRows` with interleaved walks for NaN-free blocks (others take the runtime's kernel). */
export function scoreRowsInterleaved(it: InterleavedTrees, data: Float64Array, n: number, r0: number, r1: number, out: Float64Array, block: Float64Array): void {
  const t = it.trees;
  const F = t.features;
  const K = t.outputs;
  for (let b0 = r0; b0 < r1; b0 += SCORE_BLOCK) {
    const bn = Math.min(SCORE_BLOCK, r1 - b0);
    let nan = false;
    for (let f = 0; f < F; f++) {
      const col = f * n + b0;
      for (let i = 0; i < bn; i++) {
        const v = data[col + i];
        nan ||= v !== v;
        block[i * F + f] = v;
      }
    }
    if (nan) {
      scoreRows(t, data, n, b0, b0 + bn, out, block);
      continue;
    }
    for (let i = 0; i < bn; i++) for (let k = 0; k < K; k++) out[(b0 + i) * K + k] = t.baseScores[k];
    walkBlock(it, block, bn, out, b0 * K);
  }
}

function walkBlock(it: InterleavedTrees, block: Float64Array, bn: number, out: Float64Array, o0: number): void {
  const { kids, thr, feature, leafBase } = it;
  const t = it.trees;
  const leafValues = t.leafValues;
  const F = t.features;
  const K = t.outputs;
  const T = t.roots.length;
  const full = bn - (bn % LANES);
  for (let ti = 0; ti < T; ti++) {
    const root = rootOf(it, ti);
    const o = o0 + (K === 1 ? 0 : ti % K);
    let i = 0;
    for (; i < full; i += LANES) {
      const b = i * F;
      let n0 = root;
      let n1 = root;
      let n2 = root;
      let n3 = root;
      let n4 = root;
      let n5 = root;
      let n6 = root;
      let n7 = root;
      // Until all eight reached leaves (leaf nodes are >= leafBase and loop to themselves).
      while ((n0 < leafBase) || (n1 < leafBase) || (n2 < leafBase) || (n3 < leafBase) || (n4 < leafBase) || (n5 < leafBase) || (n6 < leafBase) || (n7 < leafBase)) {
        n0 = kids[2 * n0 + Number(block[b + feature[n0]] > thr[n0])];
        n1 = kids[2 * n1 + Number(block[b + F + feature[n1]] > thr[n1])];
        n2 = kids[2 * n2 + Number(block[b + 2 * F + feature[n2]] > thr[n2])];
        n3 = kids[2 * n3 + Number(block[b + 3 * F + feature[n3]] > thr[n3])];
        n4 = kids[2 * n4 + Number(block[b + 4 * F + feature[n4]] > thr[n4])];
        n5 = kids[2 * n5 + Number(block[b + 5 * F + feature[n5]] > thr[n5])];
        n6 = kids[2 * n6 + Number(block[b + 6 * F + feature[n6]] > thr[n6])];
        n7 = kids[2 * n7 + Number(block[b + 7 * F + feature[n7]] > thr[n7])];
      }
      const oi = o + i * K;
      out[oi] += leafValues[n0 - leafBase];
      out[oi + K] += leafValues[n1 - leafBase];
      out[oi + 2 * K] += leafValues[n2 - leafBase];
      out[oi + 3 * K] += leafValues[n3 - leafBase];
      out[oi + 4 * K] += leafValues[n4 - leafBase];
      out[oi + 5 * K] += leafValues[n5 - leafBase];
      out[oi + 6 * K] += leafValues[n6 - leafBase];
      out[oi + 7 * K] += leafValues[n7 - leafBase];
    }
    for (; i < bn; i++) {
      const b = i * F;
      let nd = root;
      while (nd < leafBase) nd = kids[2 * nd + Number(block[b + feature[nd]] > thr[nd])];
      out[o + i * K] += leafValues[nd - leafBase];
    }
  }
}
