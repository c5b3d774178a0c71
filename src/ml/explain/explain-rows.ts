/**
 * `explainRows(bundle, frame)`: per-row TreeSHAP attributions on the model's input columns, the
 * function the CLI and (later) the serving layer call per request. The bundle's preprocessing turns
 * the frame into model features exactly as scoring does (unseen categories and missing values are
 * explained as the model scores them); attributions of derived features are summed back to their
 * source column. Everything is in the raw output space (log-odds for binary, per-class margins for
 * multiclass), so `base[k] + sum_c values[row, k, c] == raw[row, k]`.
 */
import { InputError } from '../../core/errors.js';
import type { Frame } from '../../core/frame.js';
import type { ModelBundle } from '../../runtime/bundle-types.js';
import { decodeGbdtModelState } from '../../runtime/gbdt/gbdt-model-state.js';
import type { GbdtModelArrays } from '../../runtime/gbdt/gbdt-model-state.js';
import { createScorer } from '../../runtime/scorer.js';
import type { Scorer } from '../../runtime/scorer.js';
import { featureSources } from './feature-sources.js';
import type { CoverSource } from './tree-covers.js';
import { treeShapModel } from './tree-covers.js';
import { treeShap } from './tree-shap.js';
import type { TreeShapValues } from './tree-shap.js';

/** Attributions of a batch of rows on the model's input columns. */
export interface RowAttributions {
  readonly rows: number;
  /** Signature input names (attribution columns). */
  readonly columns: readonly string[];
  /** Output names: `['raw']` for one output, class labels for multiclass. */
  readonly outputs: readonly string[];
  /** Row-major `rows x outputs x columns`. */
  readonly values: Float64Array;
  /** Expected raw output per output. */
  readonly base: Float64Array;
  /** The model's raw scores, row-major `rows x outputs` (base + sum of values). */
  readonly raw: Float64Array;
  /** Covers the paths were weighted by: recorded at training, or counted from these rows. */
  readonly covers: CoverSource;
}

/** TreeSHAP for every row of `frame` with a GBDT bundle (object, JSON text or a compiled Scorer). */
export function explainRows(bundle: ModelBundle | string | Scorer, frame: Frame): RowAttributions {
  return rowExplainer(bundle)(frame);
}

/** Whether a GBDT bundle records training covers (its attributions then do not depend on the rows explained together). */
export function recordsTrainingCovers(bundle: ModelBundle): boolean {
  if (bundle.model.kind !== 'gbdt') return false;
  const arrays = decodeGbdtModelState(bundle.model);
  return arrays.nodeCover !== undefined && arrays.leafCover !== undefined;
}

/** What TreeSHAP of one GBDT bundle needs besides the rows: decoded trees and where features go. */
export interface TreeExplainParts {
  readonly arrays: GbdtModelArrays;
  /** Signature input names (attribution columns). */
  readonly columns: readonly string[];
  /** For model feature j, the index in `columns` of its source input. */
  readonly sourceOf: Int32Array;
  /** Output names: `['raw']` for one output, class labels for multiclass. */
  readonly outputs: readonly string[];
}

/** Decode a GBDT bundle's trees and trace its features to inputs (InputError for any other model kind). */
export function treeExplainParts(b: ModelBundle): TreeExplainParts {
  if (b.model.kind !== 'gbdt') {
    throw new InputError(
      `TreeSHAP explains tree models; this bundle's model is "${b.model.kind}": use KernelSHAP (--method kernel) instead`,
      { field: 'model.kind' },
      'Use KernelSHAP (`kiln explain --method kernel`), which works for any model Kiln can score.',
    );
  }
  const arrays = decodeGbdtModelState(b.model);
  const { columns, sourceOf } = featureSources(b);
  const K = arrays.outputs;
  const outputs = K === 1 ? ['raw'] : (b.labels ?? Array.from({ length: K }, (_, k) => `class_${k}`)).slice(0, K);
  return { arrays, columns, sourceOf, outputs };
}

/**
 * Feature attributions (row-major `rows x outputs x features`) summed onto their source inputs
 * (`rows x outputs x columns`). Shared by `kiln explain` and capture's worker so both add in the same order.
 */
export function sumToSources(shap: TreeShapValues, sourceOf: Int32Array, columns: number): Float64Array {
  const C = columns;
  const F = shap.features;
  const values = new Float64Array(shap.rows * shap.outputs * C);
  for (let r = 0; r < shap.rows * shap.outputs; r++) for (let f = 0; f < F; f++) values[r * C + sourceOf[f]] += shap.values[r * F + f];
  return values;
}

/**
 * `explainRows` for many frames of one model: the bundle's trees are decoded once (capture explains a
 * flush in chunks). Covers counted from data (bundles without recorded ones) are counted per call.
 */
export function rowExplainer(bundle: ModelBundle | string | Scorer): (frame: Frame) => RowAttributions {
  const scorer = typeof bundle === 'object' && 'predict' in bundle ? bundle : createScorer(bundle);
  const { arrays, columns, sourceOf, outputs } = treeExplainParts(scorer.bundle);
  const recorded = arrays.nodeCover && arrays.leafCover ? treeShapModel(arrays) : null;
  return (frame: Frame): RowAttributions => {
    const m = scorer.pipeline.transform(frame);
    const { model, covers } = recorded ?? treeShapModel(arrays, m.data, m.rows);
    const shap = treeShap(model, m.data, m.rows);
    const raw = scorer.predictor.predictRaw(m);
    const values = sumToSources(shap, sourceOf, columns.length);
    return { rows: m.rows, columns, outputs, values, base: shap.base, raw, covers };
  };
}
