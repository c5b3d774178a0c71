/**
 * Errors particular to serving: an endpoint that exists but cannot answer now (its model failed to load,
 * or it is still loading) is a 503 with the reason, not a 500; other endpoints keep serving.
 */
import { KilnError, httpStatusFor } from '../core/errors.js';

/** The endpoint exists but cannot serve right now (503). */
export class EndpointUnavailableError extends KilnError {
  readonly status = 503;
  constructor(endpoint: string, reason: string) {
    super('internal', `endpoint "${endpoint}" is not ready: ${reason}`, { field: 'name', endpoint, reason }, 'Check the endpoint with `kiln endpoints show`; fix or re-point its model reference.');
  }
}

/** The HTTP status of an error thrown while serving. */
export function servingStatusOf(err: unknown): number {
  if (err instanceof EndpointUnavailableError) return 503;
  return httpStatusFor(err);
}
