/**
 * `/v1/models...`: the model registry API, thin over `kiln.registry` (the same calls as `kiln models`).
 * Models belong to the request's project; the named model is the resource of narrowed grants. Approving,
 * rejecting, setting a gate policy and overriding a gate need `models:admin` (the service checks the
 * override, which only some requests carry).
 */
import type { FastifyRequest } from 'fastify';
import type { Kiln } from '../kiln.js';
import { renderModelCardMarkdown } from '../registry/model-card.js';
import type { ActorOptions } from '../registry/registry-service.js';
import { versionView } from '../registry/version-view.js';
import type { PageRequest } from '../store/page.js';
import type { KilnApp } from './kiln-app.js';
import {
  CardRoute,
  DatasetLineageRoute,
  DecisionRoute,
  DeleteVersionRoute,
  ExportOnnxRoute,
  GateRoute,
  ImportModelRoute,
  LineageRoute,
  ListModelsRoute,
  ListVersionsRoute,
  RegisterVersionRoute,
  RemoveAliasRoute,
  ResolveRoute,
  SetAliasRoute,
  SetGatePolicyRoute,
  SetStageRoute,
  ShowModelRoute,
  ShowVersionRoute,
  UpdateModelRoute,
  UpdateVersionRoute,
} from './schemas/registry-schemas.js';
import { UsageError } from '../core/errors.js';
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import { exportBundleOnnx, importModelVersion } from '../registry/model-interop.js';
import { withRawUpload } from './uploads.js';

const READ = { permission: 'models:read', resourceParam: 'name' } as const;
const WRITE = { permission: 'models:write', resourceParam: 'name' } as const;
const ADMIN = { permission: 'models:admin', resourceParam: 'name' } as const;
const DELETE = { permission: 'models:delete', resourceParam: 'name' } as const;

function pageOf(query: { limit?: string; cursor?: string }): PageRequest {
  return { limit: query.limit === undefined ? undefined : Number(query.limit), cursor: query.cursor };
}

function actorOf(req: FastifyRequest): ActorOptions {
  return { project: req.project, ...(req.principal ? { actor: req.principal } : {}), auditContext: { requestId: req.id, sourceAddress: req.ip } };
}

/** Register the model registry routes. */
export function registerRegistryRoutes(app: KilnApp, kiln: Kiln): void {
  const r = kiln.registry;
  const ref = (p: { name: string; version: string }): string => `${p.name}@${p.version}`;

  app.get('/v1/models', { schema: ListModelsRoute, config: { permission: 'models:read' } }, async (req) => {
    const page = await r.listModels(pageOf(req.query), req.project);
    return { models: page.items, next: page.next };
  });

  app.get('/v1/models/:name', { schema: ShowModelRoute, config: READ }, async (req) => {
    const m = await r.showModel(req.params.name, req.project);
    return { ...m, versions: m.versions.map(versionView) };
  });

  app.patch('/v1/models/:name', { schema: UpdateModelRoute, config: WRITE }, async (req) =>
    r.updateModel(req.params.name, { ...(req.body.tags !== undefined ? { tags: req.body.tags } : {}), ...(req.body.description !== undefined ? { description: req.body.description } : {}) }, actorOf(req)),
  );

  app.post('/v1/models/:name/versions', { schema: RegisterVersionRoute, config: WRITE }, async (req, reply) => {
    const b = req.body;
    if ((b.run === undefined) === (b.bundle === undefined)) throw new UsageError('give exactly one of "run" (a run id) or "bundle" (a kiln.model document)', { field: 'run' });
    const opts = {
      ...actorOf(req),
      name: req.params.name,
      ...(b.description !== undefined ? { description: b.description } : {}),
      ...(b.tags !== undefined ? { tags: b.tags } : {}),
      ...(b.evaluationDataset !== undefined ? { evaluationDataset: b.evaluationDataset } : {}),
      ...(b.parentVersion !== undefined ? { parentVersion: b.parentVersion } : {}),
    };
    const v = b.run !== undefined ? await r.registerFromRun(b.run, opts) : await r.registerVersion({ ...opts, bytes: Buffer.from(JSON.stringify(b.bundle), 'utf8'), format: 'kiln-bundle', sourceLabel: 'upload:bundle' });
    return reply.status(201).send(versionView(v));
  });

  const limits = { tmpRoot: join(kiln.config.home, 'tmp'), maxBytes: kiln.config.maxUploadBytes };
  app.post('/v1/models/:name/import', { schema: ImportModelRoute, config: WRITE }, async (req, reply) => {
    const q = req.query;
    const label = `upload:${q.filename ?? 'model'}`;
    const out = await withRawUpload(req, limits, label, async (u) =>
      importModelVersion(r, {
        ...actorOf(req),
        name: req.params.name,
        bytes: await readFile(u.path),
        ...(q.filename !== undefined ? { fileName: q.filename } : {}),
        ...(q.format !== undefined ? { format: q.format } : {}),
        ...(q.description !== undefined ? { description: q.description } : {}),
        ...(q.columns !== undefined ? { columns: q.columns.split(',').map((c) => c.trim()) } : {}),
      }),
    );
    return reply.status(201).send({ ...versionView(out.version), importedFrom: out.sourceFormat });
  });

  app.get('/v1/models/:name/versions/:version/onnx', { schema: ExportOnnxRoute, config: READ }, async (req, reply) => {
    const bytes = await exportBundleOnnx(await r.loadBundle(ref(req.params), req.project));
    return reply.type('application/octet-stream').header('content-length', bytes.length).send(Buffer.from(bytes));
  });

  app.get('/v1/models/:name/versions', { schema: ListVersionsRoute, config: READ }, async (req) => {
    const page = await r.listVersions(req.params.name, pageOf(req.query), req.project);
    return { versions: page.items.map(versionView), next: page.next };
  });

  app.get('/v1/models/:name/versions/:version', { schema: ShowVersionRoute, config: READ }, async (req) => versionView(await r.resolveRecord(ref(req.params), req.project)));

  app.get('/v1/models/:name/resolve/:version', { schema: ResolveRoute, config: READ }, async (req) => r.resolve(ref(req.params), req.project));

  app.patch('/v1/models/:name/versions/:version', { schema: UpdateVersionRoute, config: WRITE }, async (req) =>
    versionView(await r.tagVersion(ref(req.params), req.body.tags ?? {}, { ...actorOf(req), ...(req.body.description !== undefined ? { description: req.body.description } : {}) })),
  );

  app.delete('/v1/models/:name/versions/:version', { schema: DeleteVersionRoute, config: DELETE }, async (req) => {
    const v = await r.deleteVersion(ref(req.params), actorOf(req));
    return { deleted: `${v.name}@${v.version}` };
  });

  app.put('/v1/models/:name/aliases/:alias', { schema: SetAliasRoute, config: WRITE }, async (req) => {
    const b = req.body;
    return r.setAlias(`${req.params.name}@${b.version}`, req.params.alias, { ...actorOf(req), expectedVersion: b.expectedVersion, override: b.override, reason: b.reason });
  });

  app.delete('/v1/models/:name/aliases/:alias', { schema: RemoveAliasRoute, config: WRITE }, async (req) =>
    r.removeAlias(req.params.name, req.params.alias, { ...actorOf(req), ...(req.query.expectedVersion !== undefined ? { expectedVersion: Number(req.query.expectedVersion) } : {}) }),
  );

  app.post('/v1/models/:name/versions/:version/stage', { schema: SetStageRoute, config: WRITE }, async (req) =>
    r.setStage(ref(req.params), req.body.stage, { ...actorOf(req), force: req.body.force, override: req.body.override, reason: req.body.reason }),
  );

  app.post('/v1/models/:name/versions/:version/approve', { schema: DecisionRoute, config: ADMIN }, async (req) => versionView(await r.approve(ref(req.params), { ...actorOf(req), comment: req.body.comment })));

  app.post('/v1/models/:name/versions/:version/reject', { schema: DecisionRoute, config: ADMIN }, async (req) => versionView(await r.reject(ref(req.params), { ...actorOf(req), comment: req.body.comment })));

  app.get('/v1/models/:name/versions/:version/gate', { schema: GateRoute, config: READ }, async (req) => r.gate(ref(req.params), req.project));

  app.put('/v1/models/:name/gate-policy', { schema: SetGatePolicyRoute, config: ADMIN }, async (req) => ({ name: req.params.name, policy: await r.setGatePolicy(req.params.name, req.body.policy, actorOf(req)) }));

  app.get('/v1/models/:name/versions/:version/card', { schema: CardRoute, config: READ }, async (req, reply) => {
    const card = await r.card(ref(req.params), req.project);
    if (req.query.format === 'md') return reply.type('text/markdown; charset=utf-8').send(renderModelCardMarkdown(card));
    return reply.type('application/json').send(JSON.stringify(card));
  });

  app.get('/v1/models/:name/versions/:version/lineage', { schema: LineageRoute, config: READ }, async (req) => r.lineage(ref(req.params), req.project));

  app.get('/v1/datasets/:name/versions/:version/lineage', { schema: DatasetLineageRoute, config: { permission: 'datasets:read' } }, async (req) => r.datasetLineage(ref(req.params), req.project));
}
