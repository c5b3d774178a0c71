/**
 * `/v1/whoami`, `/v1/tokens`, `/v1/projects`, `/v1/audit`: the security API. Thin: each handler calls
 * `kiln.security` with the authenticated principal; the service re-checks what the route-level permission
 * cannot (an admin of project A granting roles on project B, superuser-only actions).
 */
import { UsageError } from '../core/errors.js';
import { parseResourceFilter, parseSince } from '../security/audit-filter.js';
import type { Kiln } from '../kiln.js';
import type { Principal } from '../security/permissions.js';
import type { AuditContext, PublicTokenRecord } from '../security/security-service.js';
import type { AuditFilter } from '../store/security-repository.js';
import type { KilnApp } from './kiln-app.js';
import {
  CreateProjectRoute,
  CreateTokenRoute,
  ListAuditRoute,
  ListProjectsRoute,
  ListTokensRoute,
  RevokeTokenRoute,
  VerifyAuditRoute,
  WhoamiRoute,
} from './schemas/security-schemas.js';

interface Caller {
  readonly principal: Principal | null;
  readonly id: string;
  readonly ip: string;
}

function principalOf(req: Caller): Principal {
  if (!req.principal) throw new Error('route reached without a principal: the auth hook did not run');
  return req.principal;
}

/** A token as the response schema types it (mutable arrays). */
function wireToken(r: PublicTokenRecord) {
  return {
    ...r,
    grants: r.grants.map((g) => ({ project: g.project, role: g.role, ...(g.resources ? { resources: Object.fromEntries(Object.entries(g.resources).map(([k, v]) => [k, [...v]])) } : {}) })),
  };
}

function contextOf(req: Caller): AuditContext {
  return { requestId: req.id, sourceAddress: req.ip };
}

/** Register the security routes. */
export function registerSecurityRoutes(app: KilnApp, kiln: Kiln): void {
  app.get('/v1/whoami', { schema: WhoamiRoute, config: { authenticated: true } }, async (req) => {
    const p = principalOf(req);
    return { actor: p.actor, kind: p.kind, superuser: p.superuser, project: req.project, roles: kiln.security.rolesOn(p, req.project) };
  });

  app.post('/v1/tokens', { schema: CreateTokenRoute, config: { permission: 'tokens:admin' } }, async (req, reply) => {
    const b = req.body;
    if (b.grants !== undefined && b.role !== undefined) throw new UsageError('send either "grants" or "role" (a grant on the request project), not both', { field: 'role' });
    const grants = b.grants ?? (b.role ? [{ project: req.project, role: b.role }] : []);
    const created = await kiln.security.createToken({ name: b.name, grants, superuser: b.superuser ?? false, expiresAt: b.expiresAt ?? null }, principalOf(req), contextOf(req));
    return reply.status(201).send({ token: created.token, record: wireToken(created.record) });
  });

  app.get('/v1/tokens', { schema: ListTokensRoute, config: { permission: 'tokens:read' } }, async (req) => {
    const page = await kiln.security.listTokens(principalOf(req), req.query);
    return { items: page.items.map(wireToken), next: page.next };
  });

  app.delete('/v1/tokens/:id', { schema: RevokeTokenRoute, config: { permission: 'tokens:admin' } }, async (req) => wireToken(await kiln.security.revokeToken(req.params.id, principalOf(req), contextOf(req))));

  app.get('/v1/projects', { schema: ListProjectsRoute, config: { permission: 'projects:read' } }, async (req) => kiln.security.listProjects(req.query));

  app.post('/v1/projects', { schema: CreateProjectRoute, config: { permission: 'projects:admin' } }, async (req, reply) =>
    reply.status(201).send(await kiln.security.createProject(req.body.name, req.body.description ?? null, principalOf(req), contextOf(req))),
  );

  app.get('/v1/audit', { schema: ListAuditRoute, config: { permission: 'audit:read' } }, async (req) => {
    const p = principalOf(req);
    const q = req.query;
    const filter: AuditFilter = {
      ...parseResourceFilter(q.resource),
      ...(q.actor ? { actor: q.actor } : {}),
      ...(q.since ? { since: parseSince(q.since) } : {}),
      // Project admins read their project's entries; superusers read everything.
      ...(p.superuser ? {} : { project: req.project }),
    };
    return kiln.security.listAudit(filter, { limit: q.limit, cursor: q.cursor });
  });

  // Verifying walks the whole chain, across projects: superusers only (the service cannot tell more).
  app.get('/v1/audit/verify', { schema: VerifyAuditRoute, config: { permission: 'audit:admin' } }, async () => kiln.security.verifyAudit());
}
