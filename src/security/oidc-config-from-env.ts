/**
 * OIDC settings from the environment: `KILN_OIDC_ISSUER` and `KILN_OIDC_AUDIENCE` turn it on,
 * `KILN_OIDC_JWKS_URL` overrides the key set location, `KILN_OIDC_GROUPS` maps groups to project roles and
 * `KILN_OIDC_SUPERUSER_GROUPS` (comma-separated) names administrator groups. Half a configuration is an error,
 * never a silently open or silently disabled server.
 */
import { UsageError } from '../core/errors.js';
import type { OidcConfig } from './oidc-verifier.js';
import { parseGroupGrants } from './oidc-verifier.js';

/** The OIDC configuration the environment asks for, or null when OIDC is off. */
export function oidcConfigFromEnv(env: NodeJS.ProcessEnv = process.env): OidcConfig | null {
  const issuer = env.KILN_OIDC_ISSUER || undefined;
  const audience = env.KILN_OIDC_AUDIENCE || undefined;
  if (!issuer && !audience) return null;
  if (!issuer || !audience) {
    const missing = issuer ? 'KILN_OIDC_AUDIENCE' : 'KILN_OIDC_ISSUER';
    throw new UsageError(`${missing} is not set but the other OIDC variable is`, { field: missing }, 'Set both KILN_OIDC_ISSUER and KILN_OIDC_AUDIENCE, or neither.');
  }
  const superuserGroups = (env.KILN_OIDC_SUPERUSER_GROUPS ?? '').split(',').map((g) => g.trim()).filter((g) => g !== '');
  return {
    issuer,
    audience,
    ...(env.KILN_OIDC_JWKS_URL ? { jwksUrl: env.KILN_OIDC_JWKS_URL } : {}),
    groupGrants: env.KILN_OIDC_GROUPS ? parseGroupGrants(env.KILN_OIDC_GROUPS) : {},
    superuserGroups,
  };
}
