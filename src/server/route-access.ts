/**
 * What each route declares about access, in its route options: `config: { permission: 'datasets:read' }`,
 * `config: { authenticated: true }` (any valid credential, e.g. `whoami`) or `config: { public: true }`
 * (probes, the OpenAPI document). A route that declares none of these fails at registration, so no route
 * can be added unprotected. The declaration is emitted into OpenAPI as `x-kiln-permission`.
 */
import type { Permission } from '../security/permissions.js';
import { isPermission } from '../security/permissions.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The permission a caller needs on the request's project. */
    permission?: Permission;
    /** Any authenticated caller may use the route. */
    authenticated?: boolean;
    /** No credentials needed. */
    public?: boolean;
    /** Route parameter naming the resource, for grants narrowed to named resources (`endpoints:predict` on `:name`). */
    resourceParam?: string;
    /**
     * Resources of the route are not project-scoped yet: they all live in the `default` project (another
     * project is a 400). No built-in route needs it since migration 007; kept for routes still moving.
     */
    defaultProjectOnly?: boolean;
  }
}

/** A route's access declaration. */
export type RouteAccess = { readonly kind: 'public' } | { readonly kind: 'authenticated' } | { readonly kind: 'permission'; readonly permission: Permission };

/** The declaration in a route's config, or an Error naming the route when it has none or an invalid one. */
export function routeAccessOf(method: string | readonly string[], url: string, config: unknown): RouteAccess {
  const c = (config ?? {}) as { permission?: unknown; authenticated?: unknown; public?: unknown };
  const where = `${Array.isArray(method) ? method.join(',') : String(method)} ${url}`;
  const declared = [c.permission !== undefined, c.authenticated === true, c.public === true].filter(Boolean).length;
  if (declared !== 1) {
    throw new Error(`route ${where} must declare exactly one of config.permission ('resource:verb'), config.authenticated or config.public (docs/security.md)`);
  }
  if (c.public === true) return { kind: 'public' };
  if (c.authenticated === true) return { kind: 'authenticated' };
  if (typeof c.permission !== 'string' || !isPermission(c.permission)) throw new Error(`route ${where} declares an unknown permission ${JSON.stringify(c.permission)}`);
  return { kind: 'permission', permission: c.permission };
}

/** The `x-kiln-permission` value of a declaration: the permission, `authenticated` or `public`. */
export function accessLabel(access: RouteAccess): string {
  return access.kind === 'permission' ? access.permission : access.kind;
}
