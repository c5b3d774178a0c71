/**
 * `POST /v1/datasets/:name/rows`: append rows to a dataset. The body (NDJSON or CSV; Parquet or JSON with
 * `?format=`) is streamed to a temp file under `KILN_HOME/tmp` within the upload limit (`withUpload`:
 * 413 past it), never buffered. The columns must be the dataset's (400 naming the column); rows failing
 * the dataset's attached suite are quarantined (listed with row numbers and reasons, stored as an
 * artifact); the rest become the next version (201), or nothing is appended (200) when none pass.
 */
import { join } from 'node:path';
import { UsageError } from '../core/errors.js';
import { appendUpload } from '../data/ingest/append-upload.js';
import type { Kiln } from '../kiln.js';
import type { KilnApp } from './kiln-app.js';
import { AppendRowsRoute } from './schemas/ingest-schemas.js';
import { withUpload } from './uploads.js';
import type { UploadLimits } from './uploads.js';

/** Register the append route. */
export function registerIngestRoutes(app: KilnApp, kiln: Kiln): void {
  const limits: UploadLimits = { tmpRoot: join(kiln.config.home, 'tmp'), maxBytes: kiln.config.maxUploadBytes };
  app.post('/v1/datasets/:name/rows', { schema: AppendRowsRoute, config: { permission: 'datasets:write' } }, async (req, reply) => {
    const { name } = req.params;
    if (req.body !== null && req.body !== undefined) {
      throw new UsageError('send the rows as the request body: Content-Type application/x-ndjson (one JSON object per line) or text/csv', { field: 'body' });
    }
    const result = await withUpload(req, req.query, limits, (u) => appendUpload(kiln.metadata.inProject(req.project), kiln.artifacts, { name, path: u.path, format: u.format, source: u.source, tmpDir: limits.tmpRoot }));
    if (result.version) {
      const actor = req.principal?.actor ?? 'anonymous';
      await kiln.security.audit(
        { actor, action: 'dataset.append', resourceType: 'datasets', resourceId: `${name}@${result.version.version}`, project: req.project, before: null, after: { dataset: name, ...result } },
        { requestId: req.id, sourceAddress: req.ip },
      );
    }
    return reply.status(result.version ? 201 : 200).send({ dataset: name, ...result });
  });
}
