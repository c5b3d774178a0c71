/**
 * `/v1/endpoints`: serving endpoints CRUD, thin over `kiln.endpoints` (the same calls as `kiln endpoints`),
 * project-scoped. Bundle-file model references are refused here (no server paths over HTTP).
 */
import type { FastifyRequest } from 'fastify';
import type { Kiln } from '../kiln.js';
import type { EndpointCallContext } from '../serving/endpoint-service.js';
import type { KilnApp } from './kiln-app.js';
import { CreateEndpointRoute, DeleteEndpointRoute, GetEndpointRoute, ListEndpointsRoute, UpdateEndpointRoute } from './schemas/endpoint-schemas.js';

function contextOf(req: FastifyRequest): EndpointCallContext {
  return { project: req.project, ...(req.principal ? { actor: req.principal } : {}), audit: { requestId: req.id, sourceAddress: req.ip }, allowFiles: false };
}

/** Register the endpoint routes. */
export function registerEndpointRoutes(app: KilnApp, kiln: Kiln): void {
  app.get('/v1/endpoints', { schema: ListEndpointsRoute, config: { permission: 'endpoints:read' } }, async (req) => {
    const page = await kiln.endpoints.list({ limit: req.query.limit === undefined ? undefined : Number(req.query.limit), cursor: req.query.cursor }, req.project);
    return { endpoints: page.items, next: page.next };
  });
  app.post('/v1/endpoints', { schema: CreateEndpointRoute, config: { permission: 'endpoints:write' } }, async (req, reply) => {
    return reply.status(201).send(await kiln.endpoints.create(req.body, contextOf(req)));
  });
  app.get('/v1/endpoints/:name', { schema: GetEndpointRoute, config: { permission: 'endpoints:read', resourceParam: 'name' } }, async (req) => kiln.endpoints.get(req.params.name, req.project));
  app.patch('/v1/endpoints/:name', { schema: UpdateEndpointRoute, config: { permission: 'endpoints:write', resourceParam: 'name' } }, async (req) => kiln.endpoints.update(req.params.name, req.body, contextOf(req)));
  app.delete('/v1/endpoints/:name', { schema: DeleteEndpointRoute, config: { permission: 'endpoints:delete', resourceParam: 'name' } }, async (req) => kiln.endpoints.delete(req.params.name, contextOf(req)));
}
