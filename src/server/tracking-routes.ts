/**
 * `/v1/experiments` and `/v1/runs`: the tracking API, thin over `kiln.tracking` (the same calls as the
 * CLI). Every route declares its permission in `config.permission` for the auth layer.
 */
import { join } from 'node:path';
import type { Kiln } from '../kiln.js';
import type { PageRequest } from '../store/page.js';
import { runSummaryJson, runViewJson } from '../tracking/run-json.js';
import type { KilnApp } from './kiln-app.js';
import {
  CreateExperimentRoute,
  DeleteRunRoute,
  EndRunRoute,
  GetArtifactRoute,
  GetRunRoute,
  ListExperimentsRoute,
  LogArtifactRoute,
  LogMetricsRoute,
  LogParamsRoute,
  SearchRunsRoute,
  SetTagsRoute,
  StartRunRoute,
} from './schemas/tracking-schemas.js';
import type { UploadLimits } from './uploads.js';
import { withRawUpload } from './uploads.js';

// Experiments and runs live in the request's project (X-Kiln-Project / ?project=).
const RUNS_READ = { permission: 'runs:read' } as const;
const RUNS_WRITE = { permission: 'runs:write' } as const;
const EXPERIMENTS_READ = { permission: 'experiments:read' } as const;
const EXPERIMENTS_WRITE = { permission: 'experiments:write' } as const;

function pageOf(query: { limit?: string; cursor?: string }): PageRequest {
  return { limit: query.limit === undefined ? undefined : Number(query.limit), cursor: query.cursor };
}

function metricNumber(v: number | string): number {
  return typeof v === 'number' ? v : v === 'NaN' ? Number.NaN : v === 'Infinity' ? Infinity : -Infinity;
}

/** Register the tracking routes. */
export function registerTrackingRoutes(app: KilnApp, kiln: Kiln): void {
  app.get('/v1/experiments', { schema: ListExperimentsRoute, config: EXPERIMENTS_READ }, async (req) => {
    const page = await kiln.tracking.inProject(req.project).listExperiments(pageOf(req.query));
    return { experiments: page.items, next: page.next };
  });

  app.post('/v1/experiments', { schema: CreateExperimentRoute, config: EXPERIMENTS_WRITE }, async (req, reply) => {
    const e = await kiln.tracking.inProject(req.project).createExperiment(req.body.name, req.body.description);
    return reply.status(201).send(e);
  });

  app.get('/v1/runs', { schema: SearchRunsRoute, config: RUNS_READ }, async (req) => {
    const { filter, orderBy, experiment } = req.query;
    const page = await kiln.tracking.inProject(req.project).searchRuns({ filter, orderBy, experiments: experiment ? [experiment] : undefined, page: pageOf(req.query) });
    return { runs: page.items.map(runSummaryJson), next: page.next };
  });

  app.post('/v1/runs', { schema: StartRunRoute, config: RUNS_WRITE }, async (req, reply) => {
    const run = await kiln.tracking.inProject(req.project).startRun(req.body);
    return reply.status(201).send(runSummaryJson((await kiln.tracking.inProject(req.project).getRun(run.id))));
  });

  app.get('/v1/runs/:id', { schema: GetRunRoute, config: RUNS_READ }, async (req) => runViewJson(await kiln.tracking.inProject(req.project).getRun(req.params.id)));

  app.delete('/v1/runs/:id', { schema: DeleteRunRoute, config: RUNS_WRITE }, async (req) => {
    await kiln.tracking.inProject(req.project).deleteRun(req.params.id);
    return { deleted: req.params.id };
  });

  app.post('/v1/runs/:id/metrics', { schema: LogMetricsRoute, config: RUNS_WRITE }, async (req) => {
    const points = req.body.metrics.map((m) => ({ key: m.key, value: metricNumber(m.value), step: m.step, timestamp: m.timestamp }));
    await kiln.tracking.inProject(req.project).logMetrics(req.params.id, points);
    return { logged: points.length };
  });

  app.post('/v1/runs/:id/params', { schema: LogParamsRoute, config: RUNS_WRITE }, async (req) => {
    await kiln.tracking.inProject(req.project).logParams(req.params.id, req.body.params);
    return { logged: Object.keys(req.body.params).length };
  });

  app.post('/v1/runs/:id/tags', { schema: SetTagsRoute, config: RUNS_WRITE }, async (req) => {
    await kiln.tracking.inProject(req.project).setTags(req.params.id, req.body.tags);
    return { set: Object.keys(req.body.tags).length };
  });

  const limits: UploadLimits = { tmpRoot: join(kiln.config.home, 'tmp'), maxBytes: kiln.config.maxUploadBytes };
  app.post('/v1/runs/:id/artifacts', { schema: LogArtifactRoute, config: RUNS_WRITE }, async (req, reply) => {
    const { id } = req.params;
    const { path } = req.query;
    const artifact = await withRawUpload(req, limits, `upload:${path}`, (u) => kiln.tracking.inProject(req.project).logArtifactFile(id, path, u.path));
    return reply.status(201).send(artifact);
  });

  app.get('/v1/runs/:id/artifacts', { schema: GetArtifactRoute, config: RUNS_READ }, async (req, reply) => {
    const { artifact, stream } = await kiln.tracking.inProject(req.project).openArtifact(req.params.id, req.query.path);
    return reply.type('application/octet-stream').header('content-length', artifact.size).header('x-kiln-artifact-hash', artifact.hash).send(stream);
  });

  app.post('/v1/runs/:id/end', { schema: EndRunRoute, config: RUNS_WRITE }, async (req) => {
    await kiln.tracking.inProject(req.project).endRun(req.params.id, req.body.status ?? 'finished');
    return runSummaryJson(await kiln.tracking.inProject(req.project).getRun(req.params.id));
  });
}
