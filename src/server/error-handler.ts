/**
 * The one place HTTP errors are shaped. Every error body is Kiln's `{ "error": { "code", "message",
 * "hint"?, "details" } }` (the CLI's `--json` errors), including Fastify's own (schema validation, bad
 * JSON, 413, 415, bad URL encoding, 414) and the HTTP parser's (431). Bad input is always a 4xx; a 5xx
 * body is generic with an `errorId`, and the details go to the log under that id. 4xx are logged
 * without their message, which can quote the request body.
 */
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { InputError, KilnError, UsageError, asKilnError, httpStatusFor } from '../core/errors.js';
import { HttpStatusError } from './http-status-error.js';
import { rewriteError } from './redact-paths.js';
import { UPLOAD_MEDIA_TYPES } from './schemas/common-schemas.js';

/** One schema-validation error as Fastify hands it over (TypeBox's error shape). */
interface ValidationIssue {
  readonly keyword: string;
  readonly instancePath: string;
  readonly message?: string;
  readonly params?: Record<string, unknown>;
}

/** The body of every 5xx. */
export function internalErrorBody(errorId: string): ReturnType<KilnError['toJSON']> {
  return { error: { code: 'internal', message: 'internal error', details: { errorId } } };
}

/** Fastify error handler for every route; `scrub` removes server paths from 4xx messages. */
export function createErrorHandler(scrub: (text: string) => string) {
  return function handleError(err: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): void {
    const kerr = toKilnError(err);
    const status = kerr instanceof HttpStatusError ? kerr.status : kerr ? httpStatusFor(kerr) : 500;
    if (!kerr || status >= 500) {
      const errorId = randomUUID();
      request.log.error({ err, errorId }, 'internal error');
      void reply.status(500).send(internalErrorBody(errorId));
      return;
    }
    request.log.info({ status, code: kerr.code, field: kerr.details.field }, 'request refused');
    // The rest of a refused upload is not worth reading: close the connection after answering.
    if (status === 413) void reply.header('connection', 'close');
    void reply.status(status).send(rewriteError(kerr, scrub).toJSON());
  };
}

/** Fastify's `frameworkErrors`: bad percent-encoding (400) and over-long path parameters (414). */
export function handleFrameworkError(err: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  if (err.code === 'FST_ERR_BAD_URL') {
    void reply.status(400).send(new UsageError('the URL is not valid: a "%" is not followed by two hex digits of valid UTF-8', { field: 'url' }, 'Percent-encode "%" as %25.').toJSON());
    return;
  }
  if (err.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    void reply.status(414).send(new UsageError('a path segment of the URL is too long', { field: 'url' }, 'Dataset names are at most 128 characters.').toJSON());
    return;
  }
  const errorId = randomUUID();
  request.log.error({ err, errorId }, 'internal error');
  void reply.status(500).send(internalErrorBody(errorId));
}

/** The HTTP parser's errors, before Fastify sees a request: 431 for headers (or a URL) too large, 400 otherwise. */
export function handleClientError(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed || !socket.writable) return;
  const [status, message] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'the request headers (with the URL) are larger than this server accepts']
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'the request took too long to arrive']
        : [400, 'the request is not valid HTTP'];
  const body = JSON.stringify(new UsageError(message, {}).toJSON());
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

/** A KilnError for anything the client caused; null for internal failures. */
function toKilnError(err: FastifyError | Error): KilnError | null {
  if (err instanceof KilnError) return err.code === 'internal' ? null : err;
  const fe = err as FastifyError & { validation?: ValidationIssue[]; validationContext?: string };
  if (fe.validation) return validationError(fe.validation, fe.validationContext ?? 'body');
  const status = typeof fe.statusCode === 'number' ? fe.statusCode : 500;
  if (status >= 500 || status < 400) return status >= 500 ? null : asKilnError(err);
  switch (fe.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new HttpStatusError(413, 'input', 'the request body is larger than this server accepts for JSON', { field: 'body' }, 'Upload large data as a file (text/csv, application/x-ndjson, application/vnd.apache.parquet).');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new HttpStatusError(415, 'usage', 'unsupported Content-Type', { field: 'content-type' }, `Send application/json or a file as ${UPLOAD_MEDIA_TYPES.join(', ')}.`);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new InputError('the JSON body is empty', { field: 'body' });
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new InputError('the Content-Length header does not match the body', { field: 'content-length' });
  }
  if (err instanceof SyntaxError || fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY') return new InputError(`the request body is not valid JSON: ${err.message}`, { field: 'body' });
  return new HttpStatusError(status, 'usage', err.message || STATUS_CODES[status] || 'bad request', {});
}

/** One clear message from a schema's errors, naming the field (`name`, `version`, `dataset`, ...). */
function validationError(issues: readonly ValidationIssue[], part: string): UsageError {
  // TypeBox also reports `schema is false` for each extra property; the additionalProperties error says it better.
  const issue = issues.find((i) => i.keyword !== 'boolean') ?? issues[0];
  const where = issue?.instancePath ? issue.instancePath.slice(1).replaceAll('/', '.') : '';
  const field = where || (part === 'querystring' ? 'query' : part);
  const extra = issue?.params?.additionalProperties;
  if (issue?.keyword === 'additionalProperties' && Array.isArray(extra)) {
    return new UsageError(`unknown ${part === 'querystring' ? 'query parameter' : 'field'} ${extra.map((e) => JSON.stringify(String(e))).join(', ')}${where ? ` in ${where}` : ''}`, { field: extra.length ? String(extra[0]) : field });
  }
  const missing = issue?.params?.requiredProperties;
  if (issue?.keyword === 'required' && Array.isArray(missing)) {
    return new UsageError(`missing ${missing.map((m) => JSON.stringify(String(m))).join(', ')}${where ? ` in ${where}` : ` in the ${part === 'querystring' ? 'query' : part}`}`, { field: missing.length ? String(missing[0]) : field });
  }
  return new UsageError(`invalid ${field}: ${issue?.message ?? 'does not match the schema'}`, { field });
}
