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

class GbdtPredictor implements Predictor {
  readonly outputs: number;
  readonly link: GbdtModelArrays['link'];
  readonly features: number;
  private readonly m: GbdtModelArrays;
  private block: Float64Array | undefined;

  constructor(m: GbdtModelArrays) {
    this.m = m;
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
    for (let t = 0; t < T; t++) {
      const leaf = walk(m, row, 0, roots[t]);
      out[K === 1 ? 0 : t % K] += m.leafValues[leaf];
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
    for (let b0 = 0; b0 < n; b0 += BLOCK) {
      const bn = Math.min(BLOCK, n - b0);
      for (let f = 0; f < F; f++) {
        const col = f * n + b0;
        for (let i = 0; i < bn; i++) block[i * F + f] = x.data[col + i];
      }
      for (let i = 0; i < bn; i++) for (let k = 0; k < K; k++) out[(b0 + i) * K + k] = m.baseScores[k];
      for (let t = 0; t < T; t++) {
        const root = roots[t];
        const o = K === 1 ? 0 : t % K;
        for (let i = 0; i < bn; i++) out[(b0 + i) * K + o] += leafValues[walk(m, block, i * F, root)];
      }
    }
    return out;
  }
}

/** Walk one tree for the row starting at `base` in `row`; returns the leaf index. */
function walk(m: GbdtModelArrays, row: Float64Array, base: number, root: number): number {
  const feat = m.nodeFeature;
  const thr = m.nodeThreshold;
  const left = m.nodeLeft;
  const right = m.nodeRight;
  const catIdx = m.nodeCatIndex;
  let n = root;
  while (n >= 0) {
    const f = feat[n];
    const x = row[base + f];
    const ci = catIdx[n];
    let goLeft: boolean;
    if (ci < 0) {
      goLeft = x <= thr[n] || (x !== x && m.nodeDefaultLeft[n] === 1);
    } else if (x >= 0 && x < m.categoryCounts[f]) {
      const c = x | 0;
      goLeft = ((m.catWords[m.catOffsets[ci] + (c >> 5)] >>> (c & 31)) & 1) === 1;
    } else {
      goLeft = m.nodeDefaultLeft[n] === 1;
    }
    n = goLeft ? left[n] : right[n];
  }
  return ~n;
}
