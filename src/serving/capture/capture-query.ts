/**
 * Which captured rows to read: one endpoint (of the service's project), optionally within [from, to).
 * Times are ISO-8601 strings or epoch milliseconds; anything else is a UsageError naming the field.
 */
import { UsageError } from '../../core/errors.js';

/** A capture read request. */
export interface CaptureQuery {
  readonly endpoint: string;
  /** Rows received at or after this time (ISO-8601 or epoch ms). */
  readonly from?: string | number;
  /** Rows received before this time (ISO-8601 or epoch ms). */
  readonly to?: string | number;
}

/** A checked query: epoch-ms bounds (infinite when open) and their ISO forms for metadata. */
export interface ResolvedCaptureQuery {
  readonly endpoint: string;
  readonly fromMs: number;
  readonly toMs: number;
  readonly fromIso?: string;
  readonly toIso?: string;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Check a query; bad names, unparseable times and an empty range are UsageErrors. */
export function resolveCaptureQuery(q: CaptureQuery): ResolvedCaptureQuery {
  if (typeof q.endpoint !== 'string' || !NAME.test(q.endpoint) || q.endpoint.includes('..')) throw new UsageError(`endpoint name ${JSON.stringify(q.endpoint)} is not valid`, { field: 'endpoint' }, 'Names are 1-128 letters, digits, ".", "_" or "-".');
  const fromMs = q.from === undefined ? -Infinity : timeOf(q.from, 'from');
  const toMs = q.to === undefined ? Infinity : timeOf(q.to, 'to');
  if (!(fromMs < toMs)) throw new UsageError('"from" must be before "to"', { field: 'from' });
  return {
    endpoint: q.endpoint,
    fromMs,
    toMs,
    ...(Number.isFinite(fromMs) ? { fromIso: new Date(fromMs).toISOString() } : {}),
    ...(Number.isFinite(toMs) ? { toIso: new Date(toMs).toISOString() } : {}),
  };
}

function timeOf(v: string | number, field: string): number {
  const ms = typeof v === 'number' ? v : /^-?\d+$/.test(v.trim()) ? Number(v) : Date.parse(v);
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) throw new UsageError(`"${field}" must be an ISO-8601 time or epoch milliseconds (got ${JSON.stringify(v)})`, { field });
  return ms;
}
