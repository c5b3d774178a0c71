/**
 * The check behind `settings.captureAttributions`: every variant's model must be one capture can explain
 * with exact TreeSHAP (a Kiln GBDT bundle with recorded training covers). Linear models and imported ONNX
 * models are refused when the setting is turned on or a variant is re-pointed, with a 400 naming the
 * model kind; they need KernelSHAP and background data, which is an offline job (`kiln explain`).
 * An alias that later moves to such a model is not refused (nothing re-checks it): its rows are
 * captured without attributions and the flush reports why (`kiln_capture_unattributed_rows_total`).
 */
import { InputError } from '../../core/errors.js';
import { parseBundle } from '../../runtime/bundle.js';
import type { EndpointVariant } from '../../store/endpoint-repository.js';
import type { ModelSource } from '../model-source.js';
import { captureAttributionRefusal } from './capture-attributions.js';

/** Refuse (InputError, field `settings.captureAttributions`) the first variant whose model capture cannot explain. */
export async function checkCaptureAttributionModels(models: ModelSource, variants: readonly EndpointVariant[], project: string): Promise<void> {
  for (const v of variants) {
    const resolved = await models.resolve(v.model, project);
    const refusal = resolved.format === 'onnx' ? 'the model is an imported "onnx" model; capture attributions use TreeSHAP, which explains Kiln tree (GBDT) models only' : captureAttributionRefusal(parseBundle(await resolved.load(), resolved.key));
    if (refusal === null) continue;
    throw new InputError(
      `settings.captureAttributions: variant "${v.name}" (${v.model.slice(0, 100)}): ${refusal}`,
      { field: 'settings.captureAttributions', variant: v.name },
      'Leave capture attributions off for this endpoint (--no-capture-attributions), and explain captured rows offline with `kiln explain --method kernel`.',
    );
  }
}
