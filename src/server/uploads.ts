/**
 * Raw uploads: the request body is streamed to a temp file under `KILN_HOME/tmp` with a size limit
 * (`KILN_MAX_UPLOAD_BYTES`), never buffered in memory, and the file is removed whatever happens. Errors
 * name the upload (`upload:sales.csv`), never the temp path.
 */
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyRequest } from 'fastify';
import { InputError, UsageError } from '../core/errors.js';
import type { FileFormat } from '../data/io/file-format.js';
import { makeTempDir, removeTempPath } from '../data/io/temp-space.js';
import { HttpStatusError } from './http-status-error.js';
import { withPathLabels } from './redact-paths.js';
import { UPLOAD_MEDIA_TYPES } from './schemas/common-schemas.js';

/** Where and how much a route may receive. */
export interface UploadLimits {
  /** Folder for temp files (`KILN_HOME/tmp`). */
  readonly tmpRoot: string;
  readonly maxBytes: number;
}

/** An upload on disk, valid only inside the `withUpload` callback. */
export interface ReceivedUpload {
  readonly path: string;
  readonly format: FileFormat;
  /** What to record as the data's origin: `upload:<filename>` or `upload:<format>`. */
  readonly source: string;
  readonly bytes: number;
}

const MEDIA_FORMATS: Readonly<Record<string, FileFormat>> = {
  'text/csv': 'csv',
  'text/plain': 'csv',
  'application/x-ndjson': 'ndjson',
  'application/vnd.apache.parquet': 'parquet',
};

/** The media type of a request, lower-cased (media types are case-insensitive), without parameters. */
export function mediaTypeOf(req: FastifyRequest): string {
  return String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
}

/** Stream the request body to a temp file, run `fn` on it, and remove it (also when `fn` or the upload fails). */
export async function withUpload<T>(
  req: FastifyRequest,
  query: { readonly format?: FileFormat; readonly filename?: string },
  limits: UploadLimits,
  fn: (upload: ReceivedUpload) => Promise<T>,
): Promise<T> {
  const mediaType = mediaTypeOf(req);
  if (!(UPLOAD_MEDIA_TYPES as readonly string[]).includes(mediaType)) throw new UsageError('the JSON body must be an object', { field: 'body' });
  const format = query.format ?? MEDIA_FORMATS[mediaType];
  if (!format) throw new UsageError(`cannot tell the upload's format from Content-Type "${mediaType}"`, { field: 'format' }, 'Add ?format=csv|parquet|json|ndjson.');
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limits.maxBytes) throw tooLarge(limits.maxBytes);
  const source = `upload:${query.filename ?? format}`;
  // Named by pid, removed on signals and swept after a crash like every other Kiln temp dir.
  const dir = await makeTempDir('upload');
  const path = join(dir, `upload.${format}`);
  try {
    const bytes = await receive(req, path, limits.maxBytes);
    if (bytes === 0) throw new InputError('the uploaded file is empty', { field: 'body' }, 'Send a file with a header and at least one row.');
    return await withPathLabels([[path, source], [dir, source]], () => fn({ path, format, source, bytes }));
  } finally {
    await removeTempPath(dir);
  }
}

/**
 * Stream a raw upload (any bytes: a run artifact) to a temp file, run `fn` on it, and remove it. `label` names
 * the upload in errors instead of the temp path. An empty body is allowed (an empty artifact is valid).
 */
export async function withRawUpload<T>(req: FastifyRequest, limits: UploadLimits, label: string, fn: (upload: { readonly path: string; readonly bytes: number }) => Promise<T>): Promise<T> {
  const mediaType = mediaTypeOf(req);
  if (!(UPLOAD_MEDIA_TYPES as readonly string[]).includes(mediaType)) {
    throw new HttpStatusError(415, 'usage', `send the bytes themselves as application/octet-stream (got Content-Type "${mediaType.slice(0, 100)}")`, { field: 'content-type' }, 'Set Content-Type: application/octet-stream.');
  }
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limits.maxBytes) throw tooLarge(limits.maxBytes);
  const dir = await makeTempDir('upload');
  const path = join(dir, 'upload.bin');
  try {
    const bytes = await receive(req, path, limits.maxBytes);
    return await withPathLabels([[path, label], [dir, label]], () => fn({ path, bytes }));
  } finally {
    await removeTempPath(dir);
  }
}

async function receive(req: FastifyRequest, path: string, maxBytes: number): Promise<number> {
  const source = req.raw;
  let bytes = 0;
  let ended = false;
  const limit = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      if (bytes > maxBytes) done(tooLarge(maxBytes));
      else done(null, chunk);
    },
  });
  // `pipe`, not `pipeline`, from the request: a refused upload must not destroy the socket before the
  // 413 is answered. The rest of the body is left unread and the connection closed after the reply.
  const onError = (err: Error): void => {
    limit.destroy(err);
  };
  const onEnd = (): void => {
    ended = true;
  };
  const onClose = (): void => {
    if (!ended) limit.destroy(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
  };
  source.on('error', onError).once('end', onEnd).once('close', onClose);
  source.pipe(limit);
  try {
    await pipeline(limit, createWriteStream(path, { flags: 'wx' }));
  } catch (err) {
    source.unpipe(limit);
    source.pause();
    if (err instanceof HttpStatusError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE' || (err as Error).message === 'aborted') {
      throw new InputError('the upload was interrupted before it ended', { field: 'body' }, 'Send the file again.');
    }
    throw err;
  } finally {
    source.off('error', onError).off('end', onEnd).off('close', onClose);
  }
  return bytes;
}

function tooLarge(maxBytes: number): HttpStatusError {
  return new HttpStatusError(413, 'input', `the upload is larger than this server accepts (${maxBytes} bytes)`, { field: 'body', limit: maxBytes }, 'Send a smaller file, or ask an administrator to raise KILN_MAX_UPLOAD_BYTES.');
}
