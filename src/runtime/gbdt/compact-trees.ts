/**
 * Batch-scoring kernel over a compact node layout: one packed word (feature + flags), one children
 * pair and one threshold per node, in plain typed arrays so the same object can be posted to worker
 * threads (the multi-threaded scorer in ml/gbdt runs this kernel on row ranges). Rows are scored in
 * blocks: a block is transposed to row-major once and every tree is walked for all its rows while
 * the tree's nodes stay in L1 (XGBoost's block predictor does the same). A block without NaN of a
 * model without categorical splits takes a walk with no missing-value or category tests; anything
 * else takes the general walk. Browser-safe: no Node built-ins.
 */
import { InputError } from '../../core/errors.js';
import type { GbdtModelArrays } from './gbdt-model-state.js';

/** Rows per block: 128 x 28 doubles stay in L1 next to one tree's nodes. */
export const SCORE_BLOCK = 128;

/** Node flag bits in the packed per-node word (low 28 bits: feature index). */
const CAT = 1 << 28;
const DEFAULT_LEFT = 1 << 29;
const FEATURE_MASK = CAT - 1;

/** The model in the layout the walks read; structured-cloneable (typed arrays and numbers only). */
export interface CompactTrees {
  readonly features: number;
  readonly outputs: number;
  readonly baseScores: Float64Array;
  readonly roots: Int32Array;
  /** Feature index | CAT | DEFAULT_LEFT per node. */
  readonly info: Int32Array;
  /** Left child at 2n, right child at 2n + 1 (negative = `~leaf`). */
  readonly kids: Int32Array;
  readonly thr: Float64Array;
  /** Feature index per node (the fast walk's copy of `info & FEATURE_MASK`). */
  readonly feature: Int32Array;
  readonly leafValues: Float64Array;
  readonly hasCategorical: boolean;
  readonly categoryCounts: Int32Array;
  readonly nodeCatIndex: Int32Array;
  readonly catOffsets: Int32Array;
  readonly catWords: Int32Array;
}

/** Pack decoded model arrays into the compact layout. */
export function compactTrees(m: GbdtModelArrays): CompactTrees {
  const nn = m.nodeFeature.length;
  if (m.numFeatures > FEATURE_MASK) throw new InputError(`gbdt model has ${m.numFeatures} features; at most ${FEATURE_MASK} are supported`, { field: 'model.numFeatures' });
  const info = new Int32Array(nn);
  const kids = new Int32Array(2 * nn);
  let hasCategorical = false;
  for (let n = 0; n < nn; n++) {
    const cat = m.nodeCatIndex[n] >= 0;
    hasCategorical ||= cat;
    info[n] = m.nodeFeature[n] | (cat ? CAT : 0) | (m.nodeDefaultLeft[n] === 1 ? DEFAULT_LEFT : 0);
    kids[2 * n] = m.nodeLeft[n];
    kids[2 * n + 1] = m.nodeRight[n];
  }
  return {
    features: m.numFeatures,
    outputs: m.outputs,
    baseScores: m.baseScores,
    roots: m.treeRoots,
    info,
    kids,
    thr: m.nodeThreshold,
    feature: m.nodeFeature,
    leafValues: m.leafValues,
    hasCategorical,
    categoryCounts: m.categoryCounts,
    nodeCatIndex: m.nodeCatIndex,
    catOffsets: m.catOffsets,
    catWords: m.catWords,
  };
}

/**
 * Score rows [r0, r1) of the column-major matrix `data` (n rows) into `out` (row-major n x outputs,
 * absolute row positions). `block` is scratch of at least SCORE_BLOCK x features doubles.
 */
export function scoreRows(t: CompactTrees, data: Float64Array, n: number, r0: number, r1: number, out: Float64Array, block: Float64Array): void {
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
    for (let i = 0; i < bn; i++) for (let k = 0; k < K; k++) out[(b0 + i) * K + k] = t.baseScores[k];
    if (!nan && !t.hasCategorical) numericBlock(t, block, bn, out, b0 * K);
    else generalBlock(t, block, bn, out, b0 * K);
  }
}

/** Trees over a NaN-free block of a numeric-only model: x <= threshold goes left, nothing else to test. */
function numericBlock(t: CompactTrees, block: Float64Array, bn: number, out: Float64Array, o0: number): void {
  const { roots, kids, thr, feature, leafValues } = t;
  const F = t.features;
  const K = t.outputs;
  const T = roots.length;
  for (let ti = 0; ti < T; ti++) {
    const root = roots[ti];
    const o = o0 + (K === 1 ? 0 : ti % K);
    for (let i = 0; i < bn; i++) {
      const base = i * F;
      let nd = root;
      while (nd >= 0) nd = kids[2 * nd + (block[base + feature[nd]] <= thr[nd] ? 0 : 1)];
      out[o + i * K] += leafValues[~nd];
    }
  }
}

function generalBlock(t: CompactTrees, block: Float64Array, bn: number, out: Float64Array, o0: number): void {
  const { roots, leafValues } = t;
  const F = t.features;
  const K = t.outputs;
  const T = roots.length;
  for (let ti = 0; ti < T; ti++) {
    const root = roots[ti];
    const o = o0 + (K === 1 ? 0 : ti % K);
    for (let i = 0; i < bn; i++) out[o + i * K] += leafValues[walkTree(t, block, i * F, root)];
  }
}

/** Walk one tree for the row starting at `base` in `row` (NaN and categories handled); returns the leaf. */
export function walkTree(t: CompactTrees, row: Float64Array, base: number, root: number): number {
  const info = t.info;
  const kids = t.kids;
  const thr = t.thr;
  let n = root;
  while (n >= 0) {
    const w = info[n];
    const x = row[base + (w & FEATURE_MASK)];
    if ((w & CAT) === 0) {
      if (x <= thr[n]) n = kids[2 * n];
      else n = kids[2 * n + (x !== x && (w & DEFAULT_LEFT) !== 0 ? 0 : 1)];
    } else {
      n = kids[2 * n + (catGoesLeft(t, n, w, x) ? 0 : 1)];
    }
  }
  return ~n;
}

/** Categorical routing: codes in the node's bitset go left; NaN and unknown codes follow the default. */
function catGoesLeft(t: CompactTrees, n: number, w: number, x: number): boolean {
  const f = w & FEATURE_MASK;
  if (!(x >= 0 && x < t.categoryCounts[f])) return (w & DEFAULT_LEFT) !== 0;
  const c = x | 0;
  const ci = t.nodeCatIndex[n];
  return ((t.catWords[t.catOffsets[ci] + (c >> 5)] >>> (c & 31)) & 1) === 1;
}
