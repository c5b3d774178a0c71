/**
 * `POST /v1/endpoints/{name}/predict-from-features`: predictions from entity keys alone (see
 * serving/feature-predict.ts). Needs `endpoints:predict` on the endpoint, like native predict; the
 * feature read runs in the request's project with the same service `/v1/features/online` uses.
 */
import type { Kiln } from '../kiln.js';
import { predictFromEntities } from '../serving/feature-predict.js';
import type { InferenceService } from '../serving/inference-service.js';
import type { KilnApp } from './kiln-app.js';
import { PredictFromFeaturesRoute } from './schemas/features-schemas.js';

/** Register the route on the app that serves `inference`. */
export function registerFeaturePredictRoute(app: KilnApp, kiln: Kiln, inference: InferenceService): void {
  app.post('/v1/endpoints/:name/predict-from-features', { schema: PredictFromFeaturesRoute, config: { permission: 'endpoints:predict', resourceParam: 'name' } }, async (req) => {
    const features = kiln.features.inProject(req.project);
    return predictFromEntities(inference, (r) => features.online(r), req.project, req.params.name, req.body);
  });
}
