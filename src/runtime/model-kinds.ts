/**
 * Registry of model families the runtime can score: bundle `model.kind` -> predictor factory.
 * Adding a family is one entry here and one folder under runtime/.
 */
import { InputError } from '../core/errors.js';
import type { ModelState } from './bundle-types.js';
import { createGbdtPredictor } from './gbdt/gbdt-predictor.js';
import { createLinearPredictor } from './linear/linear-predictor.js';
import type { Predictor, PredictorFactory } from './predictor.js';

/** Known model kinds. */
export const MODEL_KINDS: Readonly<Record<string, PredictorFactory>> = {
  gbdt: createGbdtPredictor,
  linear: createLinearPredictor,
};

/** Build the predictor for a model state, or explain which kinds this runtime knows. */
export function createPredictor(state: ModelState): Predictor {
  const factory = Object.hasOwn(MODEL_KINDS, state.kind) ? MODEL_KINDS[state.kind] : undefined;
  if (!factory) throw new InputError(`unknown model kind "${state.kind}"; this runtime scores: ${Object.keys(MODEL_KINDS).join(', ')}`, { field: 'model.kind' });
  return factory(state);
}
