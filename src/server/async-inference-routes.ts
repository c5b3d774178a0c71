/**
 * Async inference routes, thin over `kiln.asyncInference`: `POST /v1/endpoints/{name}/async` (202 with an
 * id and a status URL) and `GET /v1/endpoints/{name}/async/{id}`. Both need `endpoints:predict` on the
 * named endpoint, like the synchronous predict: a predictor token narrowed to one endpoint may use them.
 * The jobs run wherever jobs run (`kiln server`, `kiln worker`).
 */
import type { Kiln } from '../kiln.js';
import type { KilnApp } from './kiln-app.js';
import { GetAsyncInferenceRoute, SubmitAsyncInferenceRoute } from './schemas/async-inference-schemas.js';

/** Register the async inference routes. */
export function registerAsyncInferenceRoutes(app: KilnApp, kiln: Kiln): void {
  const predict = { permission: 'endpoints:predict', resourceParam: 'name' } as const;
  app.post('/v1/endpoints/:name/async', { schema: SubmitAsyncInferenceRoute, config: predict }, async (req, reply) => {
    const { callbackUrl, ...body } = req.body;
    const accepted = await kiln.asyncInference.submit(req.project, req.params.name, { body, ...(callbackUrl !== undefined ? { callbackUrl } : {}) }, { ...(req.principal ? { actor: req.principal } : {}), auditContext: { requestId: req.id, sourceAddress: req.ip } });
    return reply.status(202).header('location', accepted.statusUrl).send(accepted);
  });
  app.get('/v1/endpoints/:name/async/:id', { schema: GetAsyncInferenceRoute, config: predict }, async (req) => kiln.asyncInference.get(req.project, req.params.name, req.params.id));
}
