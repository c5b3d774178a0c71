/**
 * The error every `kiln/client` call throws: a `KilnError` carrying the server's stable `code`, message,
 * hint and details (the same wire shape as the CLI's `--json` errors), plus the HTTP status and the
 * request id to quote when asking an administrator. A server that cannot be reached is a usage error
 * naming the base URL; a response that is not Kiln's error shape keeps its status and body excerpt.
 */
import type { ErrorCode, ErrorDetails } from '../core/errors.js';
import { KilnError } from '../core/errors.js';

const CODES: readonly ErrorCode[] = ['usage', 'input', 'unauthenticated', 'forbidden', 'not_found', 'conflict', 'internal'];

/** A failed call to a Kiln server. */
export class KilnApiError extends KilnError {
  constructor(
    code: ErrorCode,
    message: string,
    details: ErrorDetails,
    hint: string | undefined,
    /** HTTP status (0 when no response came back). */
    readonly status: number,
    /** The server's `x-request-id`, when it answered. */
    readonly requestId: string | null,
  ) {
    super(code, message, details, hint);
  }
}

/** The error of a non-2xx response, from Kiln's `{ error: { code, message, hint?, details } }` body. */
export function apiErrorFrom(status: number, body: unknown, requestId: string | null): KilnApiError {
  const error = (body as { error?: { code?: unknown; message?: unknown; hint?: unknown; details?: unknown } } | null)?.error;
  if (error && typeof error.message === 'string') {
    const code = CODES.includes(error.code as ErrorCode) ? (error.code as ErrorCode) : fallbackCode(status);
    const details = error.details && typeof error.details === 'object' ? (error.details as ErrorDetails) : {};
    return new KilnApiError(code, error.message, details, typeof error.hint === 'string' ? error.hint : undefined, status, requestId);
  }
  const excerpt = typeof body === 'string' ? body.slice(0, 200) : JSON.stringify(body ?? null).slice(0, 200);
  return new KilnApiError(fallbackCode(status), `the server answered HTTP ${status}: ${excerpt}`, {}, undefined, status, requestId);
}

/** The error when the server cannot be reached at all. */
export function unreachableError(url: string, cause: unknown): KilnApiError {
  const reason = cause instanceof Error ? (cause.cause instanceof Error ? cause.cause.message : cause.message) : String(cause);
  return new KilnApiError('usage', `cannot reach the Kiln server at ${url}: ${reason}`, { field: 'baseUrl', url }, 'Check the server URL (kiln login --server URL, or baseUrl) and that the server is running.', 0, null);
}

function fallbackCode(status: number): ErrorCode {
  if (status === 401) return 'unauthenticated';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 409) return 'conflict';
  if (status >= 400 && status < 500) return 'usage';
  return 'internal';
}
