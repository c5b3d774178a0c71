/**
 * Parsing of the audit filters shared by `kiln audit list` and `GET /v1/audit`: `TYPE` or `TYPE:ID`
 * for the resource, an ISO-8601 time for `since`.
 */
import { UsageError } from '../core/errors.js';
import type { AuditFilter } from '../store/security-repository.js';

/** Parse `TYPE` or `TYPE:ID` of `--resource` / `?resource=`. */
export function parseResourceFilter(resource: string | undefined): Pick<AuditFilter, 'resourceType' | 'resourceId'> {
  if (resource === undefined || resource === '') return {};
  const i = resource.indexOf(':');
  return i < 0 ? { resourceType: resource } : { resourceType: resource.slice(0, i), resourceId: resource.slice(i + 1) };
}

/** Check an ISO-8601 `since` and normalize it to the stored form (UTC, milliseconds). */
export function parseSince(since: string | undefined): string | undefined {
  if (since === undefined) return undefined;
  const t = Date.parse(since);
  if (Number.isNaN(t)) throw new UsageError(`since must be an ISO-8601 time (got ${JSON.stringify(since.slice(0, 40))})`, { field: 'since' });
  return new Date(t).toISOString();
}
