/**
 * Feature-store routes: online reads and view stats (`features:read`) and pushes (`features:push`, audited by the
 * service). Both act in the request's project and call the same `FeatureStoreService` as the CLI.
 */
import type { Kiln } from '../kiln.js';
import type { KilnApp } from './kiln-app.js';
import { FeatureViewStatsRoute, OnlineFeaturesRoute, PushFeaturesRoute } from './schemas/features-schemas.js';

/** Register the feature-store routes. */
export function registerFeaturesRoutes(app: KilnApp, kiln: Kiln): void {
  app.post('/v1/features/online', { schema: OnlineFeaturesRoute, config: { permission: 'features:read' } }, async (req) => {
    const { service, features, entities, requestData } = req.body;
    return kiln.features.inProject(req.project).online({ service, features, entities, requestData });
  });
  app.get('/v1/features/views/:name/stats', { schema: FeatureViewStatsRoute, config: { permission: 'features:read' } }, async (req) => {
    return kiln.features.inProject(req.project).stats(req.params.name);
  });
  app.post('/v1/features/push', { schema: PushFeaturesRoute, config: { permission: 'features:push' } }, async (req) => {
    const actor = req.principal ?? { actor: 'anonymous', kind: 'anonymous' as const, grants: [], superuser: false };
    return kiln.features.inProject(req.project).push(req.body.view, req.body.rows, actor, { requestId: req.id, sourceAddress: req.ip });
  });
}
