/**
 * Scores GBDT models from their serialized state: raw feature values in, raw scores out (the link is
 * applied by the scorer). Batch scoring runs the block kernel of `compact-trees.ts` on one thread (this
 * module stays browser-safe; ml/gbdt's parallel scorer runs the same kernel on worker threads);
 * single-row scoring walks the trees directly.
 */
import { InputError } from '../../core/errors.js';
import type { ModelState } from '../bundle-types.js';
import type { FeatureMatrix } from '../feature-matrix.js';
import type { Predictor, PredictorFactory } from '../predictor.js';
import { compactTrees, SCORE_BLOCK, scoreRows, walkTree } from './compact-trees.js';
import type { CompactTrees } from './compact-trees.js';
import { decodeGbdtModelState } from './gbdt-model-state.js';
import type { GbdtModelArrays } from './gbdt-model-state.js';

/** Build a Predictor for a `gbdt` model state. */
export const createGbdtPredictor: PredictorFactory = (state: ModelState): Predictor => new GbdtPredictor(decodeGbdtModelState(state));

class GbdtPredictor implements Predictor {
  readonly outputs: number;
  readonly link: GbdtModelArrays['link'];
  readonly features: number;
  private readonly t: CompactTrees;
  private block: Float64Array | undefined;

  constructor(m: GbdtModelArrays) {
    this.t = compactTrees(m);
    this.outputs = m.outputs;
    this.link = m.link;
    this.features = m.numFeatures;
  }

  predictRowRaw(row: Float64Array, out: Float64Array): void {
    const t = this.t;
    const K = t.outputs;
    if (row.length < t.features) throw new InputError(`row has ${row.length} features; the model expects ${t.features}`);
    for (let k = 0; k < K; k++) out[k] = t.baseScores[k];
    const roots = t.roots;
    const T = roots.length;
    for (let i = 0; i < T; i++) out[K === 1 ? 0 : i % K] += t.leafValues[walkTree(t, row, 0, roots[i])];
  }

  predictRaw(x: FeatureMatrix): Float64Array {
    const F = this.features;
    if (x.cols !== F) throw new InputError(`feature matrix has ${x.cols} columns; the model expects ${F}`);
    const out = new Float64Array(x.rows * this.outputs);
    const block = (this.block ??= new Float64Array(SCORE_BLOCK * Math.max(F, 1)));
    scoreRows(this.t, x.data, x.rows, 0, x.rows, out, block);
    return out;
  }
}
