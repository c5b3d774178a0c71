/**
 * TypeBox schemas shared by every route: the error body, dataset names and references, upload query
 * parameters. One schema validates a request, documents it in OpenAPI and types the handler (and, later,
 * the typed client), so nothing here may import Node built-ins or services.
 */
import { Type } from 'typebox';
import type { TSchema } from 'typebox';

/** `{ "error": { "code", "message", "hint"?, "details" } }`: every 4xx and 5xx body, CLI `--json` errors too. */
export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      code: Type.Union([Type.Literal('usage'), Type.Literal('input'), Type.Literal('unauthenticated'), Type.Literal('forbidden'), Type.Literal('not_found'), Type.Literal('conflict'), Type.Literal('internal')]),
      message: Type.String(),
      hint: Type.Optional(Type.String()),
      details: Type.Object({}, { additionalProperties: true, description: 'Where the problem is (field, row, column); `errorId` for 5xx, to find the details in the server log' }),
    }),
  },
  { description: 'A Kiln error' },
);

/** Error responses for the given statuses (500 is always documented: it can happen on every route). */
export function errorResponses<S extends number>(...statuses: S[]): Record<S | 500, typeof ErrorBody> {
  const out = { 500: ErrorBody } as Record<S | 500, typeof ErrorBody>;
  for (const s of statuses) out[s] = ErrorBody;
  return out;
}

/** A dataset name, as the CLI accepts it (1-128 characters). */
export const DatasetName = Type.String({
  minLength: 1,
  maxLength: 128,
  pattern: '^(?!.*\\.\\.)[A-Za-z0-9][A-Za-z0-9._-]*$',
  description: 'Dataset name: 1-128 characters of letters, digits, ".", "_" and "-", starting with a letter or digit, no ".."',
});

/** A version path segment: a positive integer or `latest`. */
export const DatasetVersionParam = Type.String({ pattern: '^(latest|[1-9][0-9]{0,9})$', description: 'A version number (1, 2, ...) or "latest"' });

/**
 * A registered dataset version `NAME@VERSION` / `NAME@latest`. Only references: a server path is never
 * accepted. Checked by the service (not by a pattern) so the error blames the name or the version.
 */
export const DatasetReference = Type.String({ minLength: 1, maxLength: 200, description: 'A registered dataset version: NAME@VERSION or NAME@latest (never a path)' });

/** File formats the readers accept. */
export const FileFormatSchema = Type.Union([Type.Literal('csv'), Type.Literal('parquet'), Type.Literal('json'), Type.Literal('ndjson')], {
  description: 'Format of an uploaded body; needed for application/octet-stream and JSON-array files',
});

/** Query of routes that accept uploads. */
export const UploadQuery = Type.Object(
  {
    format: Type.Optional(FileFormatSchema),
    filename: Type.Optional(Type.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9][A-Za-z0-9._ -]*$', description: 'Name of the uploaded file, recorded as the source `upload:<filename>`' })),
  },
  { additionalProperties: false },
);

/** JSON rows: an array of objects, one per row. */
export const JsonRows = Type.Array(Type.Record(Type.String(), Type.Unknown()), { description: 'Rows as JSON objects (column name to value)' });

/** Content types of raw uploads: the request body is the file, streamed to disk. */
export const UPLOAD_MEDIA_TYPES = ['text/csv', 'text/plain', 'application/x-ndjson', 'application/vnd.apache.parquet', 'application/octet-stream'] as const;

/** Marks a body schema that also accepts a raw upload (see `jsonOrUploadBody`). */
export const UPLOAD_BODY_MARK = 'x-kiln-upload';

/**
 * A body that is either JSON matching `json` or a raw upload, per Content-Type. An upload is not parsed
 * (the handler streams it to disk), so it reaches validation as `null`: the handler's body is `T | null`.
 * OpenAPI shows the JSON and upload media types separately (`openApiBodies`).
 */
export function jsonOrUploadBody<T extends TSchema>(json: T) {
  return Type.Union([json, Type.Null()], { [UPLOAD_BODY_MARK]: true });
}

/** The OpenAPI form of a `jsonOrUploadBody` schema: one entry per media type. */
export function openApiBodies(body: TSchema & { anyOf?: TSchema[] }): { content: Record<string, { schema: unknown }> } {
  const content: Record<string, { schema: unknown }> = { 'application/json': { schema: body.anyOf?.[0] } };
  const upload = {
    type: 'string',
    format: 'binary',
    description: 'The file itself (CSV, NDJSON, Parquet; JSON or any with ?format=), streamed to disk, at most KILN_MAX_UPLOAD_BYTES',
  };
  for (const type of UPLOAD_MEDIA_TYPES) content[type] = { schema: upload };
  return { content };
}
