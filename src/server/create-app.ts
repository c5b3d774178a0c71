/**
 * The control-plane HTTP API (Fastify). Routes are thin: they validate the request shape with JSON
 * schemas (which also generate the OpenAPI document at /openapi.json) and call the same services as
 * the CLI.
 */
import swagger from '@fastify/swagger';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import type { Kiln } from '../kiln.js';
import { KILN_VERSION } from '../version.js';
import { registerDataRoutes } from './data-routes.js';
import { handleError } from './error-handler.js';

/** Options of the HTTP app. */
export interface AppOptions {
  /** Max request body in bytes (uploads); default 512 MiB. */
  readonly bodyLimit?: number;
  readonly logger?: boolean;
}

/** Build the Fastify app for an open Kiln (not listening yet). */
export async function createApp(kiln: Kiln, opts: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({ logger: opts.logger ?? false, bodyLimit: opts.bodyLimit ?? 512 * 1024 * 1024, ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } } });
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send({ error: { code: 'not_found', message: `no route ${request.method} ${request.url}`, details: {} } });
  });
  for (const type of ['text/csv', 'text/plain', 'application/octet-stream', 'application/x-ndjson', 'application/vnd.apache.parquet']) {
    app.addContentTypeParser(type, { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  }
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Kiln API', version: KILN_VERSION, description: 'Self-hosted, end-to-end machine learning.' },
    },
  });

  app.get('/healthz', { schema: { summary: 'Liveness', response: { 200: { type: 'object', properties: { status: { type: 'string' }, version: { type: 'string' } } } } } }, () => ({
    status: 'ok',
    version: KILN_VERSION,
  }));
  app.get('/readyz', { schema: { summary: 'Readiness: metadata store reachable' } }, async (_req, reply) => {
    try {
      await kiln.metadata.listDatasets();
      return { status: 'ready', metadata: kiln.metadata.dialect, artifacts: kiln.artifacts.location };
    } catch (err) {
      return reply.status(503).send({ status: 'unavailable', reason: (err as Error).message });
    }
  });
  await registerDataRoutes(app, kiln);
  app.get('/openapi.json', { schema: { hide: true } }, () => app.swagger());
  return app;
}
