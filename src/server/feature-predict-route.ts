/**
 * `POST /v1/endpoints/{name}/predict-from-features`: predictions from entity keys alone (see
 * serving/feature-predict.ts). Needs `endpoints:predict` on the endpoint, like native predict; the
 * feature read runs in the request's project with the same service `/v1/features/online` uses. The
 * endpoint's feature service comes from its setting or its model's sealed lineage; for registry versions
 * whose bundle predates that, the training run's `kiln.features` tag is read once per loaded model.
 */
import type { Kiln } from '../kiln.js';
import { FeatureServiceResolver, predictFromEntities } from '../serving/feature-predict.js';
import type { InferenceService } from '../serving/inference-service.js';
import { referenceKind } from '../serving/model-source.js';
import type { KilnApp } from './kiln-app.js';
import { PredictFromFeaturesRoute } from './schemas/features-schemas.js';

/** Register the route on the app that serves `inference`. */
export function registerFeaturePredictRoute(app: KilnApp, kiln: Kiln, inference: InferenceService): void {
  const resolver = new FeatureServiceResolver(async (key, project) => {
    if (referenceKind(key) !== 'registry') return null;
    const runId = (await kiln.registry.resolveRecord(key, project)).source.runId;
    return runId === null ? null : ((await kiln.metadata.inProject(project).runs.getDetails(runId))?.tags ?? null);
  });
  app.post('/v1/endpoints/:name/predict-from-features', { schema: PredictFromFeaturesRoute, config: { permission: 'endpoints:predict', resourceParam: 'name' } }, async (req) => {
    const features = kiln.features.inProject(req.project);
    return predictFromEntities(inference, resolver, (r) => features.online(r), req.project, req.params.name, req.body);
  });
}
