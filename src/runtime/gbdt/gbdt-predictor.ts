/**
 * Scores GBDT models from their serialized state: raw feature values in, raw scores out (the link is
 * applied by the scorer). Batch scoring transposes blocks of rows to row-major and walks each tree over
 * the block so tree nodes stay in cache; single-row scoring walks the trees directly.
 */
import { InputError } from '../../core/errors.js';
import type { ModelState } from '../bundle-types.js';
import type { FeatureMatrix } from '../feature-matrix.js';
import type { Predictor, PredictorFactory } from '../predictor.js';
import { decodeGbdtModelState } from './gbdt-model-state.js';
import type { GbdtModelArrays } from './gbdt-model-state.js';

const BLOCK = 128;

/** Build a Predictor for a `gbdt` model state. */
export const createGbdtPredictor: PredictorFactory = (state: ModelState): Predictor => new GbdtPredictor(decodeGbdtModelState(state));

/** Node flag bits in the packed per-node word (low 28 bits: feature index). */
const CAT = 1 << 28;
const DEFAULT_LEFT = 1 << 29;
const FEATURE_MASK = CAT - 1;

/**
 * Walk-friendly copy of the node arrays: one packed word (feature + flags) and one children pair per
 * node, so a step reads three arrays instead of six.
 */
interface PackedTrees {
  readonly info: Int32Array;
  /** Left child at 2n, right child at 2n + 1. */
  readonly kids: Int32Array;
  readonly thr: Float64Array;
}

function pack(m: GbdtModelArrays): PackedTrees {
  const nn = m.nodeFeature.length;
  if (m.numFeatures > FEATURE_MASK) throw new InputError(`gbdt model has ${m.numFeatures} features; at most ${FEATURE_MASK} are supported`, { field: 'model.numFeatures' });
  const info = new Int32Array(nn);
  const kids = new Int32Array(2 * nn);
  for (let n = 0; n < nn; n++) {
    info[n] = m.nodeFeature[n] | (m.nodeCatIndex[n] >= 0 ? CAT : 0) | (m.nodeDefaultLeft[n] === 1 ? DEFAULT_LEFT : 0);
    kids[2 * n] = m.nodeLeft[n];
    kids[2 * n + 1] = m.nodeRight[n];
  }
  return { info, kids, thr: m.nodeThreshold };
}

class GbdtPredictor implements Predictor {
  readonly outputs: number;
  readonly link: GbdtModelArrays['link'];
  readonly features: number;
  private readonly m: GbdtModelArrays;
  private readonly t: PackedTrees;
  private block: Float64Array | undefined;

  constructor(m: GbdtModelArrays) {
    this.m = m;
    this.t = pack(m);
    this.outputs = m.outputs;
    this.link = m.link;
    this.features = m.numFeatures;
  }

  predictRowRaw(row: Float64Array, out: Float64Array): void {
    const m = this.m;
    const K = m.outputs;
    if (row.length < m.numFeatures) throw new InputError(`row has ${row.length} features; the model expects ${m.numFeatures}`);
    for (let k = 0; k < K; k++) out[k] = m.baseScores[k];
    const roots = m.treeRoots;
    const T = roots.length;
    const t = this.t;
    for (let i = 0; i < T; i++) {
      const leaf = walk(t, m, row, 0, roots[i]);
      out[K === 1 ? 0 : i % K] += m.leafValues[leaf];
    }
  }

  predictRaw(x: FeatureMatrix): Float64Array {
    const m = this.m;
    const F = m.numFeatures;
    const K = m.outputs;
    if (x.cols !== F) throw new InputError(`feature matrix has ${x.cols} columns; the model expects ${F}`);
    const n = x.rows;
    const out = new Float64Array(n * K);
    const block = (this.block ??= new Float64Array(BLOCK * Math.max(F, 1)));
    const roots = m.treeRoots;
    const T = roots.length;
    const leafValues = m.leafValues;
    const t = this.t;
    for (let b0 = 0; b0 < n; b0 += BLOCK) {
      const bn = Math.min(BLOCK, n - b0);
      for (let f = 0; f < F; f++) {
        const col = f * n + b0;
        for (let i = 0; i < bn; i++) block[i * F + f] = x.data[col + i];
      }
      for (let i = 0; i < bn; i++) for (let k = 0; k < K; k++) out[(b0 + i) * K + k] = m.baseScores[k];
      for (let ti = 0; ti < T; ti++) {
        const root = roots[ti];
        const o = K === 1 ? 0 : ti % K;
        for (let i = 0; i < bn; i++) out[(b0 + i) * K + o] += leafValues[walk(t, m, block, i * F, root)];
      }
    }
    return out;
  }
}

/** Walk one tree for the row starting at `base` in `row`; returns the leaf index. */
function walk(t: PackedTrees, m: GbdtModelArrays, row: Float64Array, base: number, root: number): number {
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
      n = kids[2 * n + (catGoesLeft(m, n, w, x) ? 0 : 1)];
    }
  }
  return ~n;
}

/** Categorical routing: codes in the node's bitset go left; NaN and unknown codes follow the default. */
function catGoesLeft(m: GbdtModelArrays, n: number, w: number, x: number): boolean {
  const f = w & FEATURE_MASK;
  if (!(x >= 0 && x < m.categoryCounts[f])) return (w & DEFAULT_LEFT) !== 0;
  const c = x | 0;
  const ci = m.nodeCatIndex[n];
  return ((m.catWords[m.catOffsets[ci] + (c >> 5)] >>> (c & 31)) & 1) === 1;
}
