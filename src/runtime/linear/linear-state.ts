/**
 * The serialized state of a fitted linear model (`ModelState` of kind 'linear') and its codec. Training
 * (src/ml/linear) writes it with `encodeLinearState`; the runtime predictor reads it with
 * `decodeLinearState`, which rejects malformed documents with an InputError naming the field.
 */
import { InputError } from '../../core/errors.js';
import type { EncodedArray, ModelState } from '../bundle-types.js';
import { decodeF64, encodeArray } from '../encoded-array.js';
import type { Link } from '../predictor.js';

/** Version of the linear state layout inside a bundle's `model` field. */
export const LINEAR_STATE_VERSION = 1;

/** Bundle form of a linear model. */
export interface LinearModelState extends ModelState {
  readonly kind: 'linear';
  readonly version: number;
  readonly features: number;
  readonly outputs: number;
  readonly link: Link;
  /**
   * One-vs-rest multiclass: raw output k is log(sigmoid(z_k)), so that softmax over the outputs gives
   * scikit-learn's normalized one-vs-rest probabilities sigmoid(z_k) / sum_j sigmoid(z_j).
   */
  readonly ovr: boolean;
  /** Row-major `features x outputs`: coefficient of feature j for output k at `j * outputs + k`. */
  readonly coefficients: EncodedArray;
  /** One intercept per output. */
  readonly intercepts: EncodedArray;
}

/** Decoded linear model, ready for scoring. */
export interface LinearModel {
  readonly features: number;
  readonly outputs: number;
  readonly link: Link;
  readonly ovr: boolean;
  readonly coefficients: Float64Array;
  readonly intercepts: Float64Array;
}

/** Serialize a linear model into bundle state. */
export function encodeLinearState(m: LinearModel): LinearModelState {
  return {
    kind: 'linear',
    version: LINEAR_STATE_VERSION,
    features: m.features,
    outputs: m.outputs,
    link: m.link,
    ovr: m.ovr,
    coefficients: encodeArray(m.coefficients),
    intercepts: encodeArray(m.intercepts),
  };
}

function positiveInt(state: ModelState, field: string): number {
  const v = state[field];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    throw new InputError(`linear model state: field '${field}' must be a positive integer, got ${JSON.stringify(v)}`, { field });
  }
  return v;
}

/** Parse and check a linear model state from a bundle. */
export function decodeLinearState(state: ModelState): LinearModel {
  if (state.kind !== 'linear') throw new InputError(`expected a model state of kind 'linear', got '${String(state.kind)}'`, { field: 'kind' });
  if (state.version !== LINEAR_STATE_VERSION) {
    throw new InputError(`linear model state version ${String(state.version)} is not supported (this runtime reads version ${LINEAR_STATE_VERSION})`, { field: 'version' }, 'upgrade Kiln to load this bundle');
  }
  const features = positiveInt(state, 'features');
  const outputs = positiveInt(state, 'outputs');
  const link = state.link;
  if (link !== 'identity' && link !== 'sigmoid' && link !== 'softmax') {
    throw new InputError(`linear model state: unknown link ${JSON.stringify(link)}`, { field: 'link' });
  }
  const coefficients = decodeF64(state.coefficients as EncodedArray);
  const intercepts = decodeF64(state.intercepts as EncodedArray);
  if (coefficients.length !== features * outputs) {
    throw new InputError(`linear model state: ${coefficients.length} coefficients, expected features x outputs = ${features * outputs}`, { field: 'coefficients' });
  }
  if (intercepts.length !== outputs) throw new InputError(`linear model state: ${intercepts.length} intercepts, expected ${outputs}`, { field: 'intercepts' });
  return { features, outputs, link, ovr: state.ovr === true, coefficients, intercepts };
}
