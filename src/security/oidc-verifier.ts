/**
 * OIDC / JWT bearer tokens: verified against the issuer's JWKS with `jose` (signature, `iss`, `aud`, `exp`,
 * `nbf`; only asymmetric algorithms, so `alg: none` and HMAC confusion are refused), then mapped to a
 * principal: the subject becomes `oidc:<sub>`, and a groups claim maps to project roles by configuration.
 */
import type { JWTPayload, JWTVerifyGetKey } from 'jose';
import { UnauthenticatedError, UsageError } from '../core/errors.js';
import type { Grant, Principal, Role } from './permissions.js';
import { ROLES } from './permissions.js';

/** OIDC settings (`KILN_OIDC_ISSUER`, `KILN_OIDC_AUDIENCE`, `KILN_OIDC_JWKS_URL`, `KILN_OIDC_GROUPS`). */
export interface OidcConfig {
  readonly issuer: string;
  readonly audience: string;
  /** Default: `<issuer>/.well-known/jwks.json`. */
  readonly jwksUrl?: string;
  /** Claim holding the user's groups (default `groups`). */
  readonly groupsClaim?: string;
  /** Group -> grants, e.g. `{"ml-admins": [{"project": "default", "role": "admin"}]}`. */
  readonly groupGrants: Readonly<Record<string, readonly Grant[]>>;
  /** Groups whose members are superusers. */
  readonly superuserGroups?: readonly string[];
}

const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

/** Whether a bearer string looks like a JWT (three base64url parts). */
export function looksLikeJwt(token: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token);
}

/** Parse the `KILN_OIDC_GROUPS` JSON mapping, checking every role name. */
export function parseGroupGrants(json: string): Record<string, Grant[]> {
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch {
    throw new UsageError('KILN_OIDC_GROUPS is not valid JSON', { field: 'KILN_OIDC_GROUPS' });
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new UsageError('KILN_OIDC_GROUPS must map group names to lists of {project, role}', { field: 'KILN_OIDC_GROUPS' });
  const out: Record<string, Grant[]> = {};
  for (const [group, grants] of Object.entries(doc)) {
    if (!Array.isArray(grants)) throw new UsageError(`KILN_OIDC_GROUPS.${group} must be a list`, { field: 'KILN_OIDC_GROUPS' });
    out[group] = grants.map((g: unknown, i) => {
      const r = g as { project?: unknown; role?: unknown };
      if (typeof r.project !== 'string' || typeof r.role !== 'string' || !(ROLES as readonly string[]).includes(r.role)) {
        throw new UsageError(`KILN_OIDC_GROUPS.${group}[${i}] needs a project and a role (${ROLES.join(', ')})`, { field: 'KILN_OIDC_GROUPS' });
      }
      return { project: r.project, role: r.role as Role };
    });
  }
  return out;
}

/** Verifies OIDC access tokens and maps them to principals. */
export class OidcVerifier {
  private keys: JWTVerifyGetKey | undefined;

  /** `keys` may be given directly (tests use a local JWKS); otherwise fetched from the JWKS URL and cached. */
  constructor(
    private readonly config: OidcConfig,
    keys?: JWTVerifyGetKey,
  ) {
    this.keys = keys;
  }

  /** Verify a JWT; any failure is an UnauthenticatedError that says which check failed. */
  async verify(jwt: string): Promise<Principal> {
    let payload: JWTPayload;
    // `jose` loads on the first bearer JWT: most processes (every CLI command) never verify one.
    const { createRemoteJWKSet, jwtVerify } = await import('jose');
    this.keys ??= createRemoteJWKSet(new URL(this.config.jwksUrl ?? `${this.config.issuer.replace(/\/$/, '')}/.well-known/jwks.json`));
    try {
      ({ payload } = await jwtVerify(jwt, this.keys, { issuer: this.config.issuer, audience: this.config.audience, algorithms: ALGORITHMS, clockTolerance: 30 }));
    } catch (err) {
      const code = (err as { code?: string }).code ?? 'ERR_JWT_INVALID';
      throw new UnauthenticatedError(`bearer JWT rejected (${code})`, { reason: code }, 'Get a fresh token from your identity provider.');
    }
    if (typeof payload.sub !== 'string' || payload.sub === '') throw new UnauthenticatedError('bearer JWT has no subject', { reason: 'no_sub' });
    const claim = payload[this.config.groupsClaim ?? 'groups'];
    const groups = Array.isArray(claim) ? claim.filter((g): g is string => typeof g === 'string') : [];
    const grants = groups.flatMap((g) => this.config.groupGrants[g] ?? []);
    const superuser = groups.some((g) => this.config.superuserGroups?.includes(g) ?? false);
    return { actor: `oidc:${payload.sub}`, kind: 'oidc', grants, superuser };
  }
}
