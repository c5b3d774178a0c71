/**
 * `Predictor`: the runtime face of a fitted model family. Each family (gbdt, linear, ...) provides a
 * factory from its serialized `ModelState`; the scorer applies the link (sigmoid/softmax) per task.
 */
import type { ModelState } from './bundle-types.js';
import type { FeatureMatrix } from './feature-matrix.js';

/** How raw model outputs become predictions. */
export type Link = 'identity' | 'sigmoid' | 'softmax';

/** A fitted model ready to score. */
export interface Predictor {
  /** Raw outputs per row: 1 for binary/regression/ranking, K for multiclass. */
  readonly outputs: number;
  /** Link from raw scores to predictions. */
  readonly link: Link;
  /** Number of input features expected. */
  readonly features: number;
  /** Raw scores for all rows, row-major `rows x outputs`. */
  predictRaw(m: FeatureMatrix): Float64Array;
  /** Raw scores for one row of `features` values (NaN = missing), written into `out` (length `outputs`). */
  predictRowRaw(row: Float64Array, out: Float64Array): void;
}

/** Builds a Predictor from a model state; throws InputError for malformed state. */
export type PredictorFactory = (state: ModelState) => Predictor;
