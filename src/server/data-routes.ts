/**
 * `/v1/datasets`, `/v1/profile`, `/v1/validate`: the data API. Data arrives as a reference to a
 * registered version (`NAME@VERSION`), as JSON rows, or as an upload streamed to a temp file; a client
 * can never name a server path. The one exception is `{"import": "sub/file.csv"}` on register, confined
 * to the import root an administrator configured (none by default).
 */
import { join } from 'node:path';
import { UsageError } from '../core/errors.js';
import { frameFromRecords } from '../core/frame-builder.js';
import { resolveImportPath } from '../data/datasets/import-root.js';
import type { DatasetService, ResolvedReference } from '../data/datasets/dataset-service.js';
import { profileFrames } from '../data/profile/profile-frames.js';
import { profileSource } from '../data/run/profile-source.js';
import { validateFramesWithSuite, validateSource } from '../data/run/validate-source.js';
import { parseSuite } from '../data/validation/suite.js';
import type { Kiln } from '../kiln.js';
import type { PageRequest } from '../store/page.js';
import type { KilnApp } from './kiln-app.js';
import { withPathLabels } from './redact-paths.js';
import type { PathLabel } from './redact-paths.js';
import {
  DatasetVersionsRoute,
  ListDatasetsRoute,
  ProfileRoute,
  RegisterRoute,
  ShowVersionRoute,
  ValidateRoute,
} from './schemas/data-schemas.js';
import { withUpload } from './uploads.js';
import type { UploadLimits } from './uploads.js';

/** `?limit=&cursor=` as a page request. */
function pageOf(query: { limit?: string; cursor?: string }): PageRequest {
  return { limit: query.limit === undefined ? undefined : Number(query.limit), cursor: query.cursor };
}

/** Register the data routes. */
export function registerDataRoutes(app: KilnApp, kiln: Kiln): void {
  const limits: UploadLimits = { tmpRoot: join(kiln.config.home, 'tmp'), maxBytes: kiln.config.maxUploadBytes };

  app.get('/v1/datasets', { schema: ListDatasetsRoute, config: { permission: 'datasets:read' } }, async (req) => {
    const page = await kiln.datasets.inProject(req.project).list(pageOf(req.query));
    return { datasets: page.items, next: page.next };
  });

  app.get('/v1/datasets/:name', { schema: DatasetVersionsRoute, config: { permission: 'datasets:read' } }, async (req) => {
    const page = await kiln.datasets.inProject(req.project).versions(req.params.name, pageOf(req.query));
    return { name: req.params.name, versions: page.items, next: page.next };
  });

  app.get('/v1/datasets/:name/versions/:version', { schema: ShowVersionRoute, config: { permission: 'datasets:read' } }, async (req) => kiln.datasets.inProject(req.project).show(`${req.params.name}@${req.params.version}`));

  app.post('/v1/datasets/:name/versions', { schema: RegisterRoute, config: { permission: 'datasets:write' } }, async (req, reply) => {
    const { name } = req.params;
    const body = req.body;
    const datasets = kiln.datasets.inProject(req.project);
    const audit = { ...(req.principal ? { actor: req.principal } : {}), auditContext: { requestId: req.id, sourceAddress: req.ip } };
    let reg;
    if (body === null) {
      reg = await withUpload(req, req.query, limits, (u) => datasets.registerFile(u.path, name, u.source, { readOptions: { format: u.format }, ...audit }));
    } else if ((body.source === undefined) === (body.import === undefined)) {
      throw new UsageError('send exactly one of "source" (NAME@VERSION) or "import" (a path under the import root), or upload a file', { field: 'source' });
    } else if (body.import === undefined) {
      reg = await datasets.registerReference(body.source, name, 'source', audit);
    } else {
      const path = await resolveImportPath(kiln.config.importRoot, body.import);
      const source = `import:${body.import}`;
      reg = await withPathLabels([[path, source]], () => datasets.registerFile(path, name, source, { readOptions: req.query.format ? { format: req.query.format } : {}, ...audit }));
    }
    return reply.status(reg.created ? 201 : 200).send(reg);
  });

  app.post('/v1/profile', { schema: ProfileRoute, config: { permission: 'datasets:read' } }, async (req) => {
    const body = req.body;
    if (body === null) return withUpload(req, req.query, limits, (u) => profileSource(u.path, { format: u.format }));
    if ((body.dataset === undefined) === (body.rows === undefined)) throw new UsageError('send exactly one of "dataset" (NAME@VERSION) or "rows", or upload a file', { field: 'dataset' });
    if (body.rows) return profileFrames([frameFromRecords(body.rows)]);
    return withReference(kiln.datasets.inProject(req.project), body.dataset, 'dataset', (r) => profileSource(r.path, r.readOptions));
  });

  app.post('/v1/validate', { schema: ValidateRoute, config: { permission: 'datasets:read' } }, async (req) => {
    const body = req.body;
    if ((body.dataset === undefined) === (body.rows === undefined)) throw new UsageError('send exactly one of "dataset" (NAME@VERSION) or "rows"', { field: 'dataset' });
    // Parsed here so a suite is only ever a document: the shared reader would take a string as a suite file path.
    const suite = parseSuite(body.suite, 'suite');
    const datasets = kiln.datasets.inProject(req.project);
    const reference = body.reference === undefined ? undefined : await datasets.resolveReference(body.reference, 'reference');
    const labels: PathLabel[] = reference ? [[reference.path, `${reference.dataset.name}@${reference.dataset.version}`]] : [];
    const refOpt = reference ? { path: reference.path, readOptions: reference.readOptions } : undefined;
    if (body.rows) {
      const rows = body.rows;
      return withPathLabels(labels, () => validateFramesWithSuite([frameFromRecords(rows)], suite, { reference: refOpt }));
    }
    const data = await datasets.resolveReference(body.dataset, 'dataset');
    labels.push([data.path, `${data.dataset.name}@${data.dataset.version}`]);
    return withPathLabels(labels, () => validateSource(data.path, data.readOptions, suite, { reference: refOpt }));
  });
}

/** Resolve a reference and run `fn`, naming the dataset (not its artifact path) in errors. */
async function withReference<T>(datasets: DatasetService, reference: string | undefined, field: string, fn: (r: ResolvedReference) => Promise<T>): Promise<T> {
  const resolved = await datasets.resolveReference(reference, field);
  return withPathLabels([[resolved.path, `${resolved.dataset.name}@${resolved.dataset.version}`]], () => fn(resolved));
}
