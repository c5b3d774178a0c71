/**
 * Exact path-dependent TreeSHAP (Lundberg et al. 2020, Algorithm 2) over Kiln's flat GBDT arrays.
 * Each tree is walked once per row, carrying the "unique path" of features met so far with the
 * fraction of zero (cover-weighted) and one (the row's own route) paths; at each leaf the
 * path weights give every feature on the path its exact Shapley share of the leaf value. Routing
 * matches the scorer (`compact-trees.ts`): numeric x <= threshold goes left, NaN follows the
 * default side, categorical codes in the node's bitset go left and NaN / unknown codes follow the
 * default side. Values are in the raw output space (log-odds for binary), so per row and output
 * `base + sum(phi) == raw score`. The same recursion as SHAP's C++ `tree_shap_recursive`.
 */
import { InputError } from '../../core/errors.js';
import type { GbdtModelArrays } from '../../runtime/gbdt/gbdt-model-state.js';

/** A GBDT with the per-node and per-leaf covers (training rows, or hessian sums) the paths weigh by. */
export interface TreeShapModel {
  readonly arrays: GbdtModelArrays;
  readonly nodeCover: Float64Array;
  readonly leafCover: Float64Array;
}

/** Attributions on the model's features. */
export interface TreeShapValues {
  readonly rows: number;
  readonly features: number;
  readonly outputs: number;
  /** Row-major `rows x outputs x features`. */
  readonly values: Float64Array;
  /** Expected raw output per output (base score + cover-weighted mean leaf value of every tree). */
  readonly base: Float64Array;
}

/** Path-dependent TreeSHAP for every row of a column-major matrix (`data[f * rows + i]`, NaN = missing). */
export function treeShap(model: TreeShapModel, data: Float64Array, rows: number): TreeShapValues {
  const m = model.arrays;
  const F = m.numFeatures;
  const K = m.outputs;
  if (data.length !== rows * F) throw new InputError(`feature matrix has ${data.length} values; expected ${rows} rows x ${F} features`);
  const walker = new PathWalker(model);
  const values = new Float64Array(rows * K * F);
  const row = new Float64Array(F);
  const T = m.treeRoots.length;
  for (let i = 0; i < rows; i++) {
    for (let f = 0; f < F; f++) row[f] = data[f * rows + i];
    for (let t = 0; t < T; t++) {
      const k = K === 1 ? 0 : t % K;
      walker.explainTree(m.treeRoots[t], row, values, (i * K + k) * F);
    }
  }
  return { rows, features: F, outputs: K, values, base: expectedValues(model) };
}

/** Base score plus, per tree, the cover-weighted mean of its leaves (what TreeSHAP's base is). */
export function expectedValues(model: TreeShapModel): Float64Array {
  const m = model.arrays;
  const K = m.outputs;
  const base = Float64Array.from(m.baseScores);
  for (let t = 0; t < m.treeRoots.length; t++) base[K === 1 ? 0 : t % K] += subtreeMean(model, m.treeRoots[t]);
  return base;
}

function subtreeMean(model: TreeShapModel, c: number): number {
  const m = model.arrays;
  if (c < 0) return m.leafValues[~c];
  const total = model.nodeCover[c];
  const l = m.nodeLeft[c];
  const r = m.nodeRight[c];
  if (!(total > 0)) return 0.5 * (subtreeMean(model, l) + subtreeMean(model, r));
  return (coverOf(model, l) * subtreeMean(model, l) + coverOf(model, r) * subtreeMean(model, r)) / total;
}

function coverOf(model: TreeShapModel, c: number): number {
  return c >= 0 ? model.nodeCover[c] : model.leafCover[~c];
}

/** Whether the row goes to the left child at node n (the scorer's routing, NaN and categories included). */
export function goesLeft(m: GbdtModelArrays, n: number, x: number): boolean {
  const ci = m.nodeCatIndex[n];
  if (ci < 0) {
    if (x <= m.nodeThreshold[n]) return true;
    return x !== x && m.nodeDefaultLeft[n] === 1;
  }
  const f = m.nodeFeature[n];
  if (!(x >= 0 && x < m.categoryCounts[f])) return m.nodeDefaultLeft[n] === 1;
  const code = x | 0;
  return ((m.catWords[m.catOffsets[ci] + (code >> 5)] >>> (code & 31)) & 1) === 1;
}

/** Depth of the deepest leaf under c (root = 0). */
function depthOf(m: GbdtModelArrays, c: number): number {
  if (c < 0) return 0;
  return 1 + Math.max(depthOf(m, m.nodeLeft[c]), depthOf(m, m.nodeRight[c]));
}

/** The recursion with its path buffers (parallel typed arrays, one segment per depth). */
class PathWalker {
  private readonly m: GbdtModelArrays;
  private readonly model: TreeShapModel;
  private readonly feat: Int32Array;
  private readonly zero: Float64Array;
  private readonly one: Float64Array;
  private readonly weight: Float64Array;
  private row: Float64Array = new Float64Array(0);
  private out: Float64Array = new Float64Array(0);
  private outBase = 0;

  constructor(model: TreeShapModel) {
    this.model = model;
    this.m = model.arrays;
    let maxDepth = 0;
    for (let t = 0; t < this.m.treeRoots.length; t++) maxDepth = Math.max(maxDepth, depthOf(this.m, this.m.treeRoots[t]));
    // Segment at depth d starts after the parent's (d + 1 entries): offsets sum to < (D + 3)(D + 4) / 2.
    const size = ((maxDepth + 3) * (maxDepth + 4)) / 2 + maxDepth + 4;
    this.feat = new Int32Array(size);
    this.zero = new Float64Array(size);
    this.one = new Float64Array(size);
    this.weight = new Float64Array(size);
  }

  /** Add tree `root`'s attributions for `row` into out[outBase + f]. */
  explainTree(root: number, row: Float64Array, out: Float64Array, outBase: number): void {
    if (root < 0) return; // a single leaf moves no feature
    this.row = row;
    this.out = out;
    this.outBase = outBase;
    this.recurse(root, 0, 0, 1, 1, -1);
  }

  private recurse(c: number, parentOffset: number, depth: number, pz: number, po: number, pi: number): void {
    const { feat, zero, one, weight } = this;
    // This level's path is a copy of the parent's, so siblings do not see each other's edits.
    const off = parentOffset + depth + 1;
    for (let i = 0; i < depth; i++) {
      feat[off + i] = feat[parentOffset + i];
      zero[off + i] = zero[parentOffset + i];
      one[off + i] = one[parentOffset + i];
      weight[off + i] = weight[parentOffset + i];
    }
    this.extend(off, depth, pz, po, pi);
    const m = this.m;
    if (c < 0) {
      // Each path feature's share: the "unwound" sum of path weights without it (SHAP's unwound_path_sum), inlined.
      const v = m.leafValues[~c];
      const out = this.out;
      const ob = this.outBase;
      const l = depth;
      const last = weight[off + l];
      for (let i = 1; i <= l; i++) {
        const o = one[off + i];
        const z = zero[off + i];
        let total = 0;
        if (o !== 0) {
          let n = last;
          for (let j = l - 1; j >= 0; j--) {
            const t = n / ((j + 1) * o);
            total += t;
            n = weight[off + j] - t * z * (l - j);
          }
        } else {
          for (let j = l - 1; j >= 0; j--) total += weight[off + j] / (z * (l - j));
        }
        out[ob + feat[off + i]] += total * (l + 1) * (o - z) * v;
      }
      return;
    }
    const f = m.nodeFeature[c];
    const left = m.nodeLeft[c];
    const right = m.nodeRight[c];
    const x = this.row[f];
    const hot = (m.nodeCatIndex[c] < 0 ? x <= m.nodeThreshold[c] || (x !== x && m.nodeDefaultLeft[c] === 1) : goesLeft(m, c, x)) ? left : right;
    const cold = hot === left ? right : left;
    let iz = 1;
    let io = 1;
    let d = depth;
    // A feature already on the path is undone first and re-entered with its combined fractions.
    for (let k = 1; k <= d; k++) {
      if (feat[off + k] === f) {
        iz = zero[off + k];
        io = one[off + k];
        this.unwind(off, d, k);
        d -= 1;
        break;
      }
    }
    const total = this.model.nodeCover[c];
    const hotFrac = total > 0 ? coverOf(this.model, hot) / total : 0.5;
    const coldFrac = total > 0 ? coverOf(this.model, cold) / total : 0.5;
    // A branch with zero and one fractions both 0 contributes exactly nothing (every path weight
    // would be multiplied by 0); skipping it also avoids 0/0 in unwind for empty (zero-cover) nodes.
    if (iz * hotFrac !== 0 || io !== 0) this.recurse(hot, off, d + 1, iz * hotFrac, io, f);
    if (iz * coldFrac !== 0) this.recurse(cold, off, d + 1, iz * coldFrac, 0, f);
  }

  private extend(off: number, l: number, pz: number, po: number, pi: number): void {
    const { feat, zero, one, weight } = this;
    feat[off + l] = pi;
    zero[off + l] = pz;
    one[off + l] = po;
    weight[off + l] = l === 0 ? 1 : 0;
    for (let i = l - 1; i >= 0; i--) {
      weight[off + i + 1] += (po * weight[off + i] * (i + 1)) / (l + 1);
      weight[off + i] = (pz * weight[off + i] * (l - i)) / (l + 1);
    }
  }

  private unwind(off: number, l: number, i: number): void {
    const { feat, zero, one, weight } = this;
    const o = one[off + i];
    const z = zero[off + i];
    let n = weight[off + l];
    if (o !== 0) {
      for (let j = l - 1; j >= 0; j--) {
        const t = weight[off + j];
        weight[off + j] = (n * (l + 1)) / ((j + 1) * o);
        n = t - (weight[off + j] * z * (l - j)) / (l + 1);
      }
    } else {
      for (let j = l - 1; j >= 0; j--) weight[off + j] = (weight[off + j] * (l + 1)) / (z * (l - j));
    }
    for (let j = i; j < l; j++) {
      feat[off + j] = feat[off + j + 1];
      zero[off + j] = zero[off + j + 1];
      one[off + j] = one[off + j + 1];
    }
  }
}
