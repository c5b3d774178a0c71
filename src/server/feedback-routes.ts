/**
 * `POST /v1/endpoints/:name/feedback`: ground truth for an endpoint's predictions, thin over
 * `kiln.feedback.record` (the same call as `kiln endpoints feedback`). Permission `endpoints:feedback` on
 * the named endpoint, which the `pusher` service role holds; the call is audited by the service.
 */
import type { Kiln } from '../kiln.js';
import type { KilnApp } from './kiln-app.js';
import { RecordFeedbackRoute } from './schemas/feedback-schemas.js';

/** Register the feedback route. */
export function registerFeedbackRoutes(app: KilnApp, kiln: Kiln): void {
  app.post('/v1/endpoints/:name/feedback', { schema: RecordFeedbackRoute, config: { permission: 'endpoints:feedback', resourceParam: 'name' } }, async (req) => {
    const result = await kiln.feedback.inProject(req.project).record(req.params.name, req.body.feedback, { actor: req.principal?.actor ?? 'anonymous', requestId: req.id, sourceAddress: req.ip });
    return { ...result, unknown: [...result.unknown] };
  });
}
