/**
 * The control-plane HTTP API: Fastify with TypeBox schemas. One schema per route validates the request,
 * documents request and responses (errors included) at /openapi.json, and types the handler.
 *
 * Adding a route file (e.g. train, ingest):
 *   1. Schemas in `src/server/schemas/<area>-schemas.ts`: one object per route with `summary`, `tags`,
 *      `params` / `querystring` / `body` and `response: { 200: ..., ...errorResponses(400, 404) }`.
 *   2. Routes in `src/server/<area>-routes.ts`: `export function register<Area>Routes(app: KilnApp, kiln: Kiln)`
 *      calling `app.post('/v1/...', { schema: TheRoute, config: { permission: '<resource>:<verb>' } },
 *      async (req) => kiln.<service>.<call>(req.body...))`. Every route declares its permission (or
 *      `public: true` / `authenticated: true`); an undeclared route fails `createApp` (route-access.ts).
 *      Handlers only call services and throw KilnErrors; the error handler shapes every error.
 *   3. Add the function to `ROUTE_MODULES` below. Nothing else: 405s, logging and error bodies follow.
 * Data comes as `NAME@VERSION` (`kiln.datasets.resolveReference`), JSON, or an upload (`withUpload`):
 * never as a path on the server.
 */
import { randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import swagger from '@fastify/swagger';
import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify from 'fastify';
import type { FastifyServerOptions } from 'fastify';
import type { TSchema } from 'typebox';
import { UsageError } from '../core/errors.js';
import type { LogLevel } from '../config.js';
import type { Kiln } from '../kiln.js';
import { KILN_VERSION } from '../version.js';
import type { AuthOptions } from './auth-hook.js';
import { installAuth } from './auth-hook.js';
import { registerAlertsRoutes } from './alerts-routes.js';
import { registerAsyncInferenceRoutes } from './async-inference-routes.js';
import { registerBatchJobsRoutes } from './batch-jobs-routes.js';
import { registerDataRoutes } from './data-routes.js';
import { registerEndpointRoutes } from './endpoint-routes.js';
import { registerFeedbackRoutes } from './feedback-routes.js';
import { createErrorHandler, handleClientError, handleFrameworkError } from './error-handler.js';
import { registerHealthRoutes } from './health-routes.js';
import { registerIngestRoutes } from './ingest-routes.js';
import { registerJobsRoutes } from './jobs-routes.js';
import { registerStudiesRoutes } from './studies-routes.js';
import { registerMonitorRoutes } from './monitor-routes.js';
import type { KilnApp, RouteModule } from './kiln-app.js';
import { serverPathScrubber } from './redact-paths.js';
import { registerRegistryRoutes } from './registry-routes.js';
import { registerTrackingRoutes } from './tracking-routes.js';
import { registerServingRoutes } from './serving-routes.js';
import { registerRolloutRoutes } from './rollout-routes.js';
import { registerFeaturesRoutes } from './features-routes.js';
import { registerTrainRoutes } from './train-routes.js';
import { accessLabel, routeAccessOf } from './route-access.js';
import { RouteMethods } from './route-methods.js';
import { installSecureHeaders } from './secure-headers.js';
import { registerSecurityRoutes } from './security-routes.js';
import { UPLOAD_BODY_MARK, UPLOAD_MEDIA_TYPES, openApiBodies } from './schemas/common-schemas.js';

/** Every route file, in registration order. */
const ROUTE_MODULES: readonly RouteModule[] = [registerHealthRoutes, registerDataRoutes, registerIngestRoutes, registerTrainRoutes, registerSecurityRoutes, registerTrackingRoutes, registerRegistryRoutes, registerEndpointRoutes, registerRolloutRoutes, registerServingRoutes, registerJobsRoutes, registerStudiesRoutes, registerFeaturesRoutes, registerFeedbackRoutes, registerAlertsRoutes, registerMonitorRoutes, registerAsyncInferenceRoutes, registerBatchJobsRoutes];

/** JSON bodies are parsed in memory, so they get a tighter limit than streamed uploads. */
const MAX_JSON_BYTES = 64 * 1024 * 1024;

/** Longest path segment routed (longer ones get 414); above the 128-character dataset names. */
const MAX_PARAM_LENGTH = 512;

/** Options of the HTTP app. */
export interface AppOptions {
  /** Logging: pino at `kiln.config.logLevel` to stdout by default; false turns it off (tests). */
  readonly logger?: false | { readonly level?: LogLevel; readonly stream?: NodeJS.WritableStream };
  /** Authentication: required unless `{ mode: 'off' }` (`kiln server --no-auth`, loopback only). */
  readonly auth?: AuthOptions;
  /** Serve HTTPS with this PEM key pair. */
  readonly tls?: { readonly key: string | Buffer; readonly cert: string | Buffer };
  /** Origins allowed by CORS; none (CORS off) by default. */
  readonly corsOrigins?: readonly string[];
}

/** Build the Fastify app for an open Kiln (not listening yet). */
export async function createApp(kiln: Kiln, opts: AppOptions = {}): Promise<KilnApp> {
  await checkImportRoot(kiln.config.importRoot);
  const logger: FastifyServerOptions['logger'] =
    opts.logger === false ? false : { level: opts.logger?.level ?? kiln.config.logLevel, ...(opts.logger?.stream ? { stream: opts.logger.stream } : {}) };
  // Fastify types an HTTPS server differently; routes and hooks are the same, so the app keeps one type.
  const app = Fastify({
    logger,
    ...(opts.tls ? { https: { key: opts.tls.key, cert: opts.tls.cert } } : {}),
    genReqId: () => randomUUID(),
    bodyLimit: Math.min(MAX_JSON_BYTES, kiln.config.maxUploadBytes),
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    frameworkErrors: handleFrameworkError,
    clientErrorHandler: handleClientError,
  }).withTypeProvider<TypeBoxTypeProvider>() as unknown as KilnApp;
  app.setValidatorCompiler(TypeBoxValidatorCompiler);
  const roots = [kiln.config.home, tmpdir(), process.cwd(), ...(kiln.config.importRoot ? [kiln.config.importRoot] : [])];
  app.setErrorHandler(createErrorHandler(serverPathScrubber(roots)));
  app.addHook('onRequest', async (req, reply) => {
    void reply.header('x-request-id', req.id);
  });

  installSecureHeaders(app, { corsOrigins: opts.corsOrigins ?? [], tls: opts.tls !== undefined });
  await installAuth(app, kiln, opts.auth ?? { mode: 'required' });

  const methods = new RouteMethods();
  app.addHook('onRoute', (route) => methods.add(route.method, route.url));
  app.setNotFoundHandler((req, reply) => {
    const allowed = methods.allowed(req.url);
    if (allowed.length > 0) {
      void reply
        .status(405)
        .header('allow', allowed.join(', '))
        .send(new UsageError(`${req.method} is not allowed here`, { field: 'method', allowed }, `Use ${allowed.join(' or ')}.`).toJSON());
      return;
    }
    void reply.status(404).send({ error: { code: 'not_found', message: `no route ${req.method} ${req.url.split('?')[0].slice(0, 200)}`, details: {} } });
  });

  // Uploads are not parsed: the handler streams them to disk (`withUpload`) under the size limit.
  app.addContentTypeParser([...UPLOAD_MEDIA_TYPES], (_req, _payload, done) => done(null));

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Kiln API', version: KILN_VERSION, description: 'Self-hosted, end-to-end machine learning. Every operation names the permission it needs in `x-kiln-permission` (docs/security.md).' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'A Kiln API token (kiln_...) or an OIDC access token' } } },
    },
    transform: ({ schema, url, route }) => {
      const body = (schema as { body?: Record<string, unknown> } | undefined)?.body;
      const withBody = body?.[UPLOAD_BODY_MARK] ? { ...schema, body: openApiBodies(body as TSchema) } : schema;
      const access = routeAccessOf(route.method, url, route.config);
      const security = access.kind === 'public' ? [] : [{ bearer: [] }];
      return { schema: { ...withBody, 'x-kiln-permission': accessLabel(access), security }, url };
    },
  });
  for (const register of ROUTE_MODULES) await register(app, kiln);
  app.get('/openapi.json', { schema: { hide: true }, config: { public: true } }, () => app.swagger());
  return app;
}

/** A configured import root must be a folder: refuse to start rather than fail each import. */
async function checkImportRoot(root: string | undefined): Promise<void> {
  if (root === undefined) return;
  const isDir = await stat(root).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isDir) throw new UsageError(`KILN_IMPORT_ROOT is not a folder: ${root}`, { field: 'KILN_IMPORT_ROOT' }, 'Point it at an existing folder, or unset it to disable server-side imports.');
}
