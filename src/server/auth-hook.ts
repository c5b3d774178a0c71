/**
 * Authentication and authorization for every route, in one `onRequest` hook: a route's declaration
 * (`route-access.ts`) says what it needs; the hook resolves the bearer credential to a principal (401 in
 * Kiln's error shape when missing or bad), takes the project from `X-Kiln-Project` or `?project=`
 * (default `default`), refuses with 403 naming the missing permission, then with 404 when the project
 * does not exist. Failed credentials are counted per source address (429 past the limit) and audited,
 * throttled. Per-principal rate limits run after it.
 */
import rateLimit from '@fastify/rate-limit';
import type { FastifyRequest } from 'fastify';
import { UnauthenticatedError, UsageError } from '../core/errors.js';
import type { Kiln } from '../kiln.js';
import { parseApiToken } from '../security/api-token.js';
import { authorize } from '../security/permissions.js';
import type { Principal } from '../security/permissions.js';
import { AuthFailures } from './auth-failures.js';
import { HttpStatusError } from './http-status-error.js';
import type { KilnApp } from './kiln-app.js';
import { routeAccessOf } from './route-access.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is calling (set for every non-public route). */
    principal: Principal | null;
    /** The project the request acts on. */
    project: string;
  }
}

/** How the server authenticates. */
export interface AuthOptions {
  /** `off` (`kiln server --no-auth`, loopback only): every caller acts as the `anonymous` superuser. */
  readonly mode: 'required' | 'off';
  /** Failed authentications per source address per minute before 429 (default 20). */
  readonly maxFailuresPerMinute?: number;
  /** Requests per principal (or, on public routes, per address) per minute (default 1200). */
  readonly requestsPerMinute?: number;
}

/** The principal of a server started with `--no-auth`. */
export const NO_AUTH_PRINCIPAL: Principal = { actor: 'anonymous:no-auth', kind: 'anonymous', grants: [], superuser: true };

const PROJECT = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** Install the access check (before any route is registered: it rejects undeclared routes). */
export async function installAuth(app: KilnApp, kiln: Kiln, opts: AuthOptions): Promise<void> {
  const failures = new AuthFailures(opts.maxFailuresPerMinute ?? 20);
  app.decorateRequest('principal', null);
  app.decorateRequest('project', 'default');
  // Throwing here fails `createApp`: an undeclared route never serves a request.
  app.addHook('onRoute', (route) => {
    routeAccessOf(route.method, route.url, route.config);
  });

  app.addHook('onRequest', async (req, reply) => {
    const url = req.routeOptions.url;
    if (url === undefined) return; // no route: the 404/405 handler answers
    const config = req.routeOptions.config;
    const access = routeAccessOf(req.method, url, config);
    if (access.kind === 'public') return;
    const address = req.ip;
    let principal: Principal;
    if (opts.mode === 'off') {
      principal = NO_AUTH_PRINCIPAL;
    } else {
      if (failures.blocked(address)) {
        void reply.header('retry-after', String(failures.retryAfter(address)));
        throw new HttpStatusError(429, 'unauthenticated', 'too many failed authentication attempts from this address', { reason: 'rate_limited' }, 'Wait a minute, then retry with a valid token.');
      }
      const bearer = bearerOf(req);
      try {
        principal = await kiln.security.authenticate(bearer);
      } catch (err) {
        if (err instanceof UnauthenticatedError && bearer !== undefined) {
          const verdict = failures.record(address);
          if (verdict.audit) {
            await kiln.security.audit(
              {
                actor: 'anonymous',
                action: verdict.blockedNow ? 'auth.blocked' : 'auth.failure',
                resourceType: 'tokens',
                resourceId: parseApiToken(bearer)?.id ?? '-',
                project: 'default',
                before: null,
                after: { reason: err.details.reason ?? 'invalid', route: `${req.method} ${url}`, failuresThisMinute: verdict.count, failuresPreviousMinute: verdict.previousWindow },
              },
              { requestId: req.id, sourceAddress: address },
            );
          }
        }
        throw err;
      }
    }
    req.principal = principal;
    const project = projectOf(req);
    if (config.defaultProjectOnly && project !== 'default') {
      throw new UsageError(`${url.split('/')[2] ?? 'these resources'} are not project-scoped yet: they all belong to project "default"`, { field: 'project', project }, 'Omit X-Kiln-Project / ?project= or set it to "default".');
    }
    req.project = project;
    if (access.kind === 'permission') {
      const resourceName = config.resourceParam ? (req.params as Record<string, string | undefined>)[config.resourceParam] : undefined;
      authorize(principal, access.permission, { project, ...(resourceName !== undefined ? { resourceName } : {}) });
      // After authorization, so a caller without a grant there learns nothing about which projects exist.
      await kiln.security.requireProject(project);
    }
  });

  await app.register(rateLimit, {
    global: true,
    hook: 'preHandler',
    max: opts.requestsPerMinute ?? 1200,
    timeWindow: 60_000,
    keyGenerator: (req) => req.principal?.actor ?? req.ip,
    errorResponseBuilder: (_req, ctx) =>
      new HttpStatusError(429, 'usage', `rate limit exceeded: ${ctx.max} requests per minute`, { reason: 'rate_limited', limit: ctx.max }, `Retry in ${Math.ceil(ctx.ttl / 1000)} s.`),
  });
}

/** The bearer credential, undefined when no Authorization header came; a non-Bearer scheme is a 401. */
function bearerOf(req: FastifyRequest): string | undefined {
  const header = req.headers.authorization;
  if (header === undefined || header === '') return undefined;
  const m = /^Bearer +(\S+) *$/i.exec(header);
  if (!m) throw new UnauthenticatedError('the Authorization header must be "Bearer <token>"', { reason: 'malformed' });
  return m[1];
}

/** `X-Kiln-Project` or `?project=` (removed from the query so route schemas need not know it). */
function projectOf(req: FastifyRequest): string {
  const query = req.query as Record<string, unknown> | undefined;
  const fromQuery = query?.project;
  if (query && 'project' in query) delete query.project;
  const header = req.headers['x-kiln-project'];
  const raw = typeof header === 'string' ? header : typeof fromQuery === 'string' ? fromQuery : fromQuery === undefined ? 'default' : null;
  if (raw === null || !PROJECT.test(raw)) {
    throw new UsageError('project must be 1-63 lowercase letters, digits, "_" or "-"', { field: 'project' }, 'Send X-Kiln-Project: <project> or ?project=<project>.');
  }
  return raw;
}
