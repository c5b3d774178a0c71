/**
 * The one place HTTP errors are shaped: KilnErrors map to their status (bad input is always 4xx) and
 * the body `{ "error": { "code", "message", "hint"?, "details" } }` matches the CLI's `--json` errors.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { InputError, KilnError, asKilnError, httpStatusFor } from '../core/errors.js';

/** Fastify error handler for every route. */
export function handleError(err: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): void {
  const fe = err as FastifyError;
  if (!(err instanceof KilnError) && typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    // Fastify's own 4xx (schema validation, bad JSON, body too large, unsupported media type).
    const field = fe.validation?.[0]?.instancePath || undefined;
    const body = new InputError(fe.message, field ? { field } : {}).toJSON();
    void reply.status(fe.statusCode).send(body);
    return;
  }
  const kerr = asKilnError(err);
  const status = httpStatusFor(kerr);
  if (status >= 500) request.log.error({ err }, 'internal error');
  void reply.status(status).send(kerr.toJSON());
}
