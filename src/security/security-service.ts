/**
 * `SecurityService`: API tokens (create, list, revoke, authenticate), OIDC bearer tokens, projects, and the
 * tamper-evident audit log (record, list, verify, export). Every state change anywhere in Kiln is recorded
 * through `audit`. Authentication caches successful scrypt verifications briefly, so a request does not pay
 * the KDF each time; failures are never cached (guessing stays slow and is rate limited by the server).
 */
import { createHash } from 'node:crypto';
import { ForbiddenError, NotFoundError, UnauthenticatedError, UsageError } from '../core/errors.js';
import type { ApiTokenRecord, ApiTokenRepository, AuditEntryRecord, AuditFilter, AuditRepository, Page, PageRequest, ProjectRecord, ProjectRepository } from '../store/security-repository.js';
import { generateApiToken, parseApiToken, verifyTokenSecret } from './api-token.js';
import { sealAuditEntry, verifyAuditChain } from './audit-chain.js';
import type { AuditEvent, AuditVerification } from './audit-chain.js';
import type { OidcVerifier } from './oidc-verifier.js';
import { looksLikeJwt } from './oidc-verifier.js';
import { authorize, isAllowed, ROLES } from './permissions.js';
import type { Grant, Principal, Role } from './permissions.js';

/** The repositories the service needs. */
export interface SecurityStores {
  readonly projects: ProjectRepository;
  readonly tokens: ApiTokenRepository;
  readonly audit: AuditRepository;
}

/** What `createToken` takes. */
export interface NewTokenRequest {
  readonly name: string;
  readonly grants: readonly Grant[];
  readonly superuser?: boolean;
  /** ISO-8601; absent = never expires. */
  readonly expiresAt?: string | null;
}

/** A created token: the plaintext `token` is returned this once and never again. */
export interface CreatedToken {
  readonly token: string;
  readonly record: PublicTokenRecord;
}

/** A token as lists show it (no hash). */
export type PublicTokenRecord = Omit<ApiTokenRecord, 'secretHash'>;

/** Request context recorded with audit entries. */
export interface AuditContext {
  readonly requestId?: string | null;
  readonly sourceAddress?: string | null;
}

const CACHE_MS = 60_000;
const TOUCH_MS = 60_000;
const NAME = /^[A-Za-z0-9][A-Za-z0-9._ -]{0,127}$/;
const PROJECT = /^[a-z0-9][a-z0-9_-]{0,62}$/;

export { localPrincipal } from './local-principal.js';

/** Tokens, OIDC, projects and the audit log. */
export class SecurityService {
  private readonly verified = new Map<string, { principal: Principal; until: number; id: string }>();
  private readonly touched = new Map<string, number>();

  constructor(
    private readonly stores: SecurityStores,
    private readonly oidc: OidcVerifier | null = null,
  ) {}

  /** Record a state change (secrets redacted, hash-chained). */
  async audit(event: Omit<AuditEvent, 'requestId' | 'sourceAddress'>, ctx: AuditContext = {}): Promise<AuditEntryRecord> {
    return this.stores.audit.append((last) => sealAuditEntry({ ...event, requestId: ctx.requestId ?? null, sourceAddress: ctx.sourceAddress ?? null }, last));
  }

  /** Resolve a bearer credential (API token or OIDC JWT) to a principal, or throw UnauthenticatedError. */
  async authenticate(bearer: string | undefined): Promise<Principal> {
    if (bearer === undefined || bearer === '') throw new UnauthenticatedError('authentication required', {}, 'Send "Authorization: Bearer <token>" (KILN_TOKEN for the CLI and client).');
    const cacheKey = createHash('sha256').update(bearer).digest('hex');
    const hit = this.verified.get(cacheKey);
    const now = Date.now();
    if (hit && hit.until > now) {
      // Revocation must take effect: re-check the (cheap) record, not the (slow) hash.
      const rec = hit.id === '' ? null : await this.stores.tokens.get(hit.id);
      if (hit.id === '' || (rec && usable(rec, now))) return hit.principal;
      this.verified.delete(cacheKey);
    }
    if (looksLikeJwt(bearer)) {
      if (!this.oidc) throw new UnauthenticatedError('bearer JWT given but OIDC is not configured on this server', { reason: 'oidc_off' });
      const principal = await this.oidc.verify(bearer);
      this.verified.set(cacheKey, { principal, until: now + 5_000, id: '' });
      return principal;
    }
    const parsed = parseApiToken(bearer);
    if (!parsed) throw new UnauthenticatedError('malformed API token', { reason: 'malformed' });
    const rec = await this.stores.tokens.get(parsed.id);
    if (!rec || !(await verifyTokenSecret(parsed.secret, rec.secretHash))) throw new UnauthenticatedError('invalid API token', { reason: 'invalid' });
    if (rec.revokedAt !== null) throw new UnauthenticatedError(`API token ${rec.prefix} was revoked`, { reason: 'revoked' });
    if (rec.expiresAt !== null && Date.parse(rec.expiresAt) <= now) throw new UnauthenticatedError(`API token ${rec.prefix} expired at ${rec.expiresAt}`, { reason: 'expired' });
    const principal: Principal = { actor: `token:${rec.id}`, kind: 'token', grants: rec.grants as Grant[], superuser: rec.superuser };
    this.verified.set(cacheKey, { principal, until: now + CACHE_MS, id: rec.id });
    if ((this.touched.get(rec.id) ?? 0) + TOUCH_MS < now) {
      this.touched.set(rec.id, now);
      await this.stores.tokens.touch(rec.id, new Date(now).toISOString());
    }
    return principal;
  }

  /** Create a token. Only admins of every granted project may create it; only superusers create superusers. */
  async createToken(req: NewTokenRequest, actor: Principal, ctx: AuditContext = {}): Promise<CreatedToken> {
    if (typeof req.name !== 'string' || !NAME.test(req.name)) throw new UsageError('token name must be 1-128 letters, digits, spaces, ".", "_" or "-"', { field: 'name' });
    if (req.superuser && !actor.superuser) throw new ForbiddenError('only a superuser may create a superuser token', { permission: 'tokens:admin' });
    if (!req.superuser && req.grants.length === 0) throw new UsageError('a token needs at least one grant ({project, role})', { field: 'grants' });
    for (const [i, g] of req.grants.entries()) {
      if (!(ROLES as readonly string[]).includes(g.role)) throw new UsageError(`grants[${i}].role must be one of ${ROLES.join(', ')}`, { field: `grants[${i}].role` });
      if (!(await this.stores.projects.get(g.project))) throw new NotFoundError(`project ${g.project} not found`, { field: `grants[${i}].project` });
      authorize(actor, 'tokens:admin', { project: g.project });
    }
    let expiresAt: string | null = null;
    if (req.expiresAt) {
      const t = Date.parse(req.expiresAt);
      if (Number.isNaN(t) || t <= Date.now()) throw new UsageError('expiresAt must be an ISO-8601 time in the future', { field: 'expiresAt' });
      expiresAt = new Date(t).toISOString();
    }
    const fresh = await generateApiToken();
    const record: ApiTokenRecord = {
      id: fresh.id,
      name: req.name,
      prefix: fresh.prefix,
      secretHash: fresh.secretHash,
      grants: req.grants.map((g) => ({ project: g.project, role: g.role, ...(g.resources ? { resources: g.resources } : {}) })),
      superuser: req.superuser ?? false,
      createdAt: new Date().toISOString(),
      createdBy: actor.actor,
      expiresAt,
      revokedAt: null,
      lastUsedAt: null,
    };
    await this.stores.tokens.create(record);
    const pub = publicToken(record);
    await this.audit({ actor: actor.actor, action: 'token.create', resourceType: 'tokens', resourceId: record.id, project: record.grants[0]?.project ?? 'default', before: null, after: pub }, ctx);
    return { token: fresh.token, record: pub };
  }

  /** On first start (no tokens at all) create a superuser token; returns its plaintext once, else null. */
  async ensureAdminToken(actor: Principal): Promise<CreatedToken | null> {
    if ((await this.stores.tokens.count()) > 0) return null;
    return this.createToken({ name: 'admin - first start', grants: [], superuser: true }, { ...actor, superuser: true });
  }

  /** Tokens, without hashes: all for superusers, those on projects they administer for project admins. */
  async listTokens(actor: Principal, page?: PageRequest): Promise<Page<PublicTokenRecord>> {
    if (!actor.superuser && !actor.grants.some((g) => isAllowed(actor, 'tokens:read', { project: g.project }))) throw new ForbiddenError(`${actor.actor} lacks permission tokens:read`, { permission: 'tokens:read' });
    const p = await this.stores.tokens.list(page);
    // A project admin sees the tokens that hold a grant on a project they administer, no others.
    const visible = actor.superuser ? p.items : p.items.filter((t) => t.grants.some((g) => isAllowed(actor, 'tokens:read', { project: g.project })));
    return { items: visible.map(publicToken), next: p.next };
  }

  /** Revoke a token (its creator's project admins or a superuser). */
  async revokeToken(id: string, actor: Principal, ctx: AuditContext = {}): Promise<PublicTokenRecord> {
    const rec = await this.stores.tokens.get(id);
    if (!rec) throw new NotFoundError(`token ${id} not found`, { field: 'id' });
    if (!actor.superuser) for (const g of rec.grants) authorize(actor, 'tokens:admin', { project: g.project });
    if (rec.superuser && !actor.superuser) throw new ForbiddenError('only a superuser may revoke a superuser token', { permission: 'tokens:admin' });
    const at = new Date().toISOString();
    await this.stores.tokens.revoke(id, at);
    for (const [k, v] of this.verified) if (v.id === id) this.verified.delete(k);
    const after = { ...publicToken(rec), revokedAt: rec.revokedAt ?? at };
    await this.audit({ actor: actor.actor, action: 'token.revoke', resourceType: 'tokens', resourceId: id, project: rec.grants[0]?.project ?? 'default', before: publicToken(rec), after }, ctx);
    return after;
  }

  /** Create a project (superusers). */
  async createProject(name: string, description: string | null, actor: Principal, ctx: AuditContext = {}): Promise<ProjectRecord> {
    if (!PROJECT.test(name)) throw new UsageError('project names are 1-63 lowercase letters, digits, "_" or "-"', { field: 'name' });
    if (!actor.superuser) throw new ForbiddenError('only a superuser may create projects', { permission: 'projects:admin' });
    const rec: ProjectRecord = { name, description, createdAt: new Date().toISOString(), createdBy: actor.actor };
    if (!(await this.stores.projects.create(rec))) throw new UsageError(`project ${name} already exists`, { field: 'name' });
    await this.audit({ actor: actor.actor, action: 'project.create', resourceType: 'projects', resourceId: name, project: name, before: null, after: rec }, ctx);
    return rec;
  }

  /** Projects. */
  listProjects(page?: PageRequest): Promise<Page<ProjectRecord>> {
    return this.stores.projects.list(page);
  }

  /** Resolves when `name` is an existing project; else a NotFoundError saying how to create it. */
  async requireProject(name: string): Promise<void> {
    if (!PROJECT.test(name)) throw new UsageError('project names are 1-63 lowercase letters, digits, "_" or "-"', { field: 'project', project: name });
    if (name === 'default' || (await this.stores.projects.get(name))) return;
    throw new NotFoundError(`project ${name} does not exist`, { field: 'project', project: name }, `Create it with \`kiln projects create ${name}\` (a superuser), or pick one of \`kiln projects list\`.`);
  }

  /** Audit entries, newest first. */
  listAudit(filter?: AuditFilter, page?: PageRequest): Promise<Page<AuditEntryRecord>> {
    return this.stores.audit.list(filter, page);
  }

  /** Check the whole chain. */
  verifyAudit(): Promise<AuditVerification> {
    return verifyAuditChain(this.stores.audit.scan());
  }

  /** Every entry, oldest first, as NDJSON lines. */
  async *exportAudit(): AsyncIterable<string> {
    for await (const e of this.stores.audit.scan()) yield `${JSON.stringify(e)}\n`;
  }

  /** Roles a principal holds on a project (for `whoami`). */
  rolesOn(principal: Principal, project: string): Role[] {
    return principal.grants.filter((g) => g.project === project).map((g) => g.role);
  }
}

function usable(rec: ApiTokenRecord, now: number): boolean {
  return rec.revokedAt === null && (rec.expiresAt === null || Date.parse(rec.expiresAt) > now);
}

function publicToken(rec: ApiTokenRecord): PublicTokenRecord {
  const { secretHash: _secretHash, ...rest } = rec;
  return rest;
}
