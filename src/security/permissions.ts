/**
 * Permissions and roles. Every action is `resource:verb`; a role is a set of permissions granted on one
 * project (the service roles `predictor`, `feature-reader` and `pusher` may be narrowed further to named
 * resources). Every HTTP route declares the permission it needs; `authorize` decides.
 */
import { ForbiddenError } from '../core/errors.js';

/** Resource types that belong to a project. */
export const RESOURCE_TYPES = ['datasets', 'runs', 'experiments', 'models', 'endpoints', 'monitors', 'features', 'jobs', 'tokens', 'audit', 'projects'] as const;
/** A resource type. */
export type ResourceType = (typeof RESOURCE_TYPES)[number];

/** What can be done to a resource. `predict`, `feedback` and `push` exist so service roles can be narrow. */
export const VERBS = ['read', 'write', 'delete', 'predict', 'feedback', 'push', 'admin'] as const;
/** A verb. */
export type Verb = (typeof VERBS)[number];

/** `resource:verb`, e.g. `datasets:read`. */
export type Permission = `${ResourceType}:${Verb}`;

/** Roles, from least to most privileged for people; service roles are narrow. */
export const ROLES = ['viewer', 'editor', 'admin', 'predictor', 'feature-reader', 'pusher'] as const;
/** A role name. */
export type Role = (typeof ROLES)[number];

/** A role held on one project, optionally narrowed to named resources (`endpoints: ["churn"]`). */
export interface Grant {
  readonly project: string;
  readonly role: Role;
  /** Resource names the grant is limited to, per resource type; absent = every resource of the project. */
  readonly resources?: Partial<Record<ResourceType, readonly string[]>>;
}

/** Who is acting: a token, an OIDC subject, the local OS user of the embedded CLI, or nobody. */
export interface Principal {
  /** Recorded in the audit log: `token:<id>`, `oidc:<sub>`, `local:<user>`. */
  readonly actor: string;
  readonly kind: 'token' | 'oidc' | 'local' | 'anonymous';
  readonly grants: readonly Grant[];
  /** Server administrators (the first-start admin token, `--no-auth`, the local CLI user) may do everything. */
  readonly superuser: boolean;
}

/** Where an action happens. */
export interface ActionTarget {
  readonly project: string;
  /** The resource's name when the action is on one resource (an endpoint's name for `endpoints:predict`). */
  readonly resourceName?: string;
}

const READ_FOR_VIEWERS: readonly ResourceType[] = ['datasets', 'runs', 'experiments', 'models', 'endpoints', 'monitors', 'features', 'jobs', 'projects'];

function roleAllows(role: Role, p: Permission): boolean {
  const [resource, verb] = p.split(':') as [ResourceType, Verb];
  switch (role) {
    case 'viewer':
      return verb === 'read' && READ_FOR_VIEWERS.includes(resource);
    case 'editor':
      if (resource === 'tokens' || resource === 'audit' || verb === 'admin') return false;
      return resource !== 'projects' || verb === 'read';
    case 'admin':
      return true;
    case 'predictor':
      return p === 'endpoints:predict';
    case 'feature-reader':
      return p === 'features:read';
    case 'pusher':
      return p === 'features:push' || p === 'endpoints:feedback';
  }
}

/** Every permission a role grants (for documentation and the route-permission test). */
export function permissionsOf(role: Role): Permission[] {
  const out: Permission[] = [];
  for (const r of RESOURCE_TYPES) for (const v of VERBS) if (roleAllows(role, `${r}:${v}`)) out.push(`${r}:${v}`);
  return out;
}

/** Whether `p` is a well-formed permission. */
export function isPermission(p: string): p is Permission {
  const [r, v, extra] = p.split(':');
  return extra === undefined && (RESOURCE_TYPES as readonly string[]).includes(r) && (VERBS as readonly string[]).includes(v);
}

/** Whether a principal may perform `permission` on `target`. */
export function isAllowed(principal: Principal, permission: Permission, target: ActionTarget): boolean {
  if (principal.superuser) return true;
  const resource = permission.split(':')[0] as ResourceType;
  return principal.grants.some((g) => {
    if (g.project !== target.project || !roleAllows(g.role, permission)) return false;
    const names = g.resources?.[resource];
    return names === undefined || (target.resourceName !== undefined && names.includes(target.resourceName));
  });
}

/** Throw ForbiddenError naming the missing permission unless the principal may act. */
export function authorize(principal: Principal, permission: Permission, target: ActionTarget): void {
  if (isAllowed(principal, permission, target)) return;
  const on = target.resourceName ? `${target.project}/${target.resourceName}` : target.project;
  throw new ForbiddenError(
    `${principal.actor} lacks permission ${permission} on project ${on}`,
    { permission, project: target.project, ...(target.resourceName ? { resource: target.resourceName } : {}) },
    'Ask a project admin for a role that grants it (see docs/security.md).',
  );
}

/** Whether granting `role` is an escalation for `granter` on `project` (only admins may grant roles at all). */
export function mayGrant(granter: Principal, project: string): boolean {
  return isAllowed(granter, 'tokens:admin', { project });
}
