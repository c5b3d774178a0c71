/**
 * `/v1/endpoints/{name}/rollout...`: rollouts, thin over `kiln.rollouts` (the same calls as `kiln rollout`).
 * Starting and ending a rollout changes the endpoint's traffic, so it needs `endpoints:write` on it;
 * reading needs `endpoints:read`. Bundle-file references are refused here (no server paths over HTTP).
 */
import type { FastifyRequest } from 'fastify';
import type { Kiln } from '../kiln.js';
import type { RolloutCallContext } from '../serving/rollout/rollout-service.js';
import type { KilnApp } from './kiln-app.js';
import { RolloutActionRoute, RolloutHistoryRoute, RolloutReportRoute, RolloutStatusRoute, StartRolloutRoute } from './schemas/rollout-schemas.js';

function contextOf(req: FastifyRequest): RolloutCallContext {
  return { project: req.project, ...(req.principal ? { actor: req.principal } : {}), audit: { requestId: req.id, sourceAddress: req.ip }, allowFiles: false };
}

/** Register the rollout routes. */
export function registerRolloutRoutes(app: KilnApp, kiln: Kiln): void {
  const read = { permission: 'endpoints:read', resourceParam: 'name' } as const;
  const write = { permission: 'endpoints:write', resourceParam: 'name' } as const;
  app.post('/v1/endpoints/:name/rollout', { schema: StartRolloutRoute, config: write }, async (req, reply) => reply.status(201).send(await kiln.rollouts.start(req.params.name, req.body, contextOf(req))));
  app.get('/v1/endpoints/:name/rollout', { schema: RolloutStatusRoute, config: read }, async (req) => kiln.rollouts.status(req.params.name, req.project));
  app.get('/v1/endpoints/:name/rollout/report', { schema: RolloutReportRoute, config: read }, async (req) => kiln.rollouts.report(req.params.name, req.project));
  app.get('/v1/endpoints/:name/rollouts', { schema: RolloutHistoryRoute, config: read }, async (req) => ({ rollouts: await kiln.rollouts.history(req.params.name, req.project, req.query.limit === undefined ? 20 : Number(req.query.limit)) }));
  app.post('/v1/endpoints/:name/rollout/promote', { schema: RolloutActionRoute('Promote'), config: write }, async (req) => kiln.rollouts.promote(req.params.name, contextOf(req)));
  app.post('/v1/endpoints/:name/rollout/rollback', { schema: RolloutActionRoute('Roll back'), config: write }, async (req) => kiln.rollouts.rollback(req.params.name, contextOf(req)));
  app.post('/v1/endpoints/:name/rollout/abort', { schema: RolloutActionRoute('Abort'), config: write }, async (req) => kiln.rollouts.abort(req.params.name, contextOf(req)));
}
