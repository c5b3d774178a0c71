/**
 * `/v1/datasets`, `/v1/profile`, `/v1/validate`: the data API. Data arrives either as a reference to
 * a registered version (`{"dataset": "NAME@VERSION"}`), as JSON rows (`{"rows": [...]}`), or as a raw
 * upload (CSV, NDJSON, JSON, Parquet) with `?format=`.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { InputError, UsageError } from '../core/errors.js';
import { frameFromRecords } from '../core/frame-builder.js';
import type { Kiln } from '../kiln.js';
import { checkDatasetName } from '../data/datasets/data-ref.js';
import type { FileFormat } from '../data/io/file-format.js';
import { profileSource } from '../data/run/profile-source.js';
import { validateFramesWithSuite, validateSource } from '../data/run/validate-source.js';
import { profileFrames } from '../data/profile/profile-frames.js';

const FORMATS: readonly FileFormat[] = ['csv', 'parquet', 'json', 'ndjson'];
const CONTENT_FORMATS: Record<string, FileFormat> = {
  'text/csv': 'csv',
  'text/plain': 'csv',
  'application/x-ndjson': 'ndjson',
  'application/vnd.apache.parquet': 'parquet',
};

const errorSchema = {
  type: 'object',
  properties: { error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' }, hint: { type: 'string' }, details: { type: 'object', additionalProperties: true } } } },
};
const formatQuery = { type: 'object', properties: { format: { type: 'string', enum: [...FORMATS] } }, additionalProperties: false };

/** Register the data routes. */
export async function registerDataRoutes(app: FastifyInstance, kiln: Kiln): Promise<void> {
  app.get('/v1/datasets', { schema: { summary: 'List datasets', tags: ['datasets'] } }, async () => ({ datasets: await kiln.datasets.list() }));

  app.get<{ Params: { name: string } }>(
    '/v1/datasets/:name',
    { schema: { summary: 'Versions of a dataset', tags: ['datasets'], params: { type: 'object', properties: { name: { type: 'string', maxLength: 128 } }, required: ['name'] }, response: { 404: errorSchema } } },
    async (req) => ({ name: req.params.name, versions: await kiln.datasets.versions(req.params.name) }),
  );

  app.get<{ Params: { name: string; version: string } }>(
    '/v1/datasets/:name/versions/:version',
    {
      schema: {
        summary: 'One dataset version with schema and profile',
        tags: ['datasets'],
        params: { type: 'object', properties: { name: { type: 'string', maxLength: 128 }, version: { type: 'string', pattern: '^(latest|[1-9][0-9]{0,9})$' } }, required: ['name', 'version'] },
        response: { 404: errorSchema },
      },
    },
    async (req) => kiln.datasets.show(`${checkDatasetName(req.params.name)}@${req.params.version}`),
  );

  app.post<{ Params: { name: string }; Querystring: { format?: FileFormat } }>(
    '/v1/datasets/:name/versions',
    {
      schema: {
        summary: 'Register a new version from an uploaded file (CSV, Parquet, JSON, NDJSON) or {"source": "NAME@VERSION"}',
        tags: ['datasets'],
        params: { type: 'object', properties: { name: { type: 'string', maxLength: 128 } }, required: ['name'] },
        querystring: formatQuery,
        response: { 400: errorSchema },
      },
    },
    async (req, reply) => {
      const name = checkDatasetName(req.params.name);
      const reg = await withUpload(req, async (path) => kiln.datasets.register(path, name), async (ref) => kiln.datasets.register(ref, name));
      return reply.status(reg.created ? 201 : 200).send(reg);
    },
  );

  app.post<{ Querystring: { format?: FileFormat } }>(
    '/v1/profile',
    { schema: { summary: 'Profile uploaded data, JSON rows ({"rows": [...]}) or a dataset ({"dataset": "NAME@VERSION"})', tags: ['data'], querystring: formatQuery, response: { 400: errorSchema } } },
    async (req) => {
      const rows = jsonRows(req.body);
      if (rows) return profileFrames([frameFromRecords(rows)]);
      return withUpload(
        req,
        (path) => profileSource(path, {}),
        async (ref) => {
          const r = await kiln.datasets.resolve(ref);
          return profileSource(r.path, r.readOptions);
        },
      );
    },
  );

  app.post(
    '/v1/validate',
    {
      schema: {
        summary: 'Validate a dataset ({"dataset": "NAME@VERSION"}) or JSON rows ({"rows": [...]}) against a suite; 200 with success=false when expectations fail',
        tags: ['data'],
        body: {
          type: 'object',
          required: ['suite'],
          additionalProperties: false,
          properties: {
            suite: { type: 'object' },
            dataset: { type: 'string', maxLength: 200 },
            rows: { type: 'array', items: { type: 'object' } },
            reference: { type: 'string', maxLength: 200 },
          },
        },
        response: { 400: errorSchema },
      },
    },
    async (req) => {
      const body = req.body as { suite: unknown; dataset?: string; rows?: Record<string, unknown>[]; reference?: string };
      if ((body.dataset === undefined) === (body.rows === undefined)) throw new UsageError('send exactly one of "dataset" or "rows"', { field: 'dataset' });
      const reference = body.reference ? await kiln.datasets.resolve(body.reference) : undefined;
      const refOpt = reference ? { path: reference.path, readOptions: reference.readOptions } : undefined;
      if (body.rows) return validateFramesWithSuite([frameFromRecords(body.rows)], body.suite, { reference: refOpt });
      const resolved = await kiln.datasets.resolve(body.dataset as string);
      return validateSource(resolved.path, resolved.readOptions, body.suite, { reference: refOpt });
    },
  );
}

function jsonRows(body: unknown): Record<string, unknown>[] | null {
  if (body && typeof body === 'object' && !Buffer.isBuffer(body) && 'rows' in body) {
    const rows = (body as { rows: unknown }).rows;
    if (!Array.isArray(rows)) throw new InputError('"rows" must be an array of objects', { field: 'rows' });
    return rows as Record<string, unknown>[];
  }
  return null;
}

/** Run `onFile` on a temp copy of a raw upload, or `onRef` for `{"dataset"|"source": ref}` JSON. */
async function withUpload<T>(req: FastifyRequest<{ Querystring: { format?: FileFormat } }>, onFile: (path: string) => Promise<T>, onRef: (ref: string) => Promise<T>): Promise<T> {
  const body = req.body;
  if (!Buffer.isBuffer(body)) {
    const ref = body && typeof body === 'object' ? ((body as { dataset?: unknown; source?: unknown }).dataset ?? (body as { source?: unknown }).source) : undefined;
    if (typeof ref === 'string') return onRef(ref);
    throw new UsageError('send a file (Content-Type text/csv, application/x-ndjson, application/vnd.apache.parquet or application/octet-stream with ?format=) or JSON {"dataset": "NAME@VERSION"}', { field: 'body' });
  }
  if (body.length === 0) throw new InputError('the uploaded file is empty', { field: 'body' }, 'Send a file with a header and at least one row.');
  const contentType = String(req.headers['content-type'] ?? '').split(';')[0].trim();
  const format = req.query.format ?? CONTENT_FORMATS[contentType];
  if (!format) throw new UsageError(`cannot tell the upload's format from Content-Type "${contentType}"`, { field: 'format' }, 'Add ?format=csv|parquet|json|ndjson.');
  const dir = await mkdtemp(join(tmpdir(), 'kiln-upload-'));
  try {
    const path = join(dir, `upload.${format}`);
    await writeFile(path, body);
    return await onFile(path);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
