/**
 * `POST /v1/train` (blocking until the model is trained, stored and recorded), `GET /v1/trained-models`
 * (keyset-paged) and `GET /v1/trained-models/:id[/bundle]`; schemas in `schemas/train-schemas.ts`. Data
 * is named only by reference (`NAME@VERSION`). Training runs in a worker thread, so the server keeps
 * answering; a client that disconnects aborts its run.
 */
import type { Kiln } from '../kiln.js';
import type { JsonValue } from '../store/job-repository.js';
import type { KilnApp } from './kiln-app.js';
import { GetTrainedModelBundleRoute, GetTrainedModelRoute, ListTrainedModelsRoute, TrainRoute } from './schemas/train-schemas.js';

/** Register the training routes. */
export function registerTrainRoutes(app: KilnApp, kiln: Kiln): void {
  app.post('/v1/train', { schema: TrainRoute, config: { permission: 'models:write' } }, async (req, reply) => {
    const { dataset, async: asJob, ...spec } = req.body;
    if (asJob === true) {
      const { parseTrainJobPayload, TRAIN_JOB_KIND } = await import('../training/train-job.js');
      // The validated body is plain JSON already; the round trip types it as such.
      const payload = JSON.parse(JSON.stringify({ dataset, ...spec })) as JsonValue;
      // Checked now, so a bad field is a 400 here rather than a failed job later.
      parseTrainJobPayload(payload);
      const job = await kiln.jobs.submit({ kind: TRAIN_JOB_KIND, project: req.project, payload }, { ...(req.principal ? { actor: req.principal } : {}), auditContext: { requestId: req.id, sourceAddress: req.ip } });
      return reply.status(202).send({ job });
    }
    const controller = new AbortController();
    // The response's 'close' before it finished means the client went away: stop its training.
    const onClose = (): void => {
      if (!reply.raw.writableFinished) controller.abort();
    };
    reply.raw.on('close', onClose);
    try {
      const outcome = await kiln.training.inProject(req.project).train({ data: { dataset }, ...spec }, { signal: controller.signal, ...(req.principal ? { actor: req.principal } : {}), auditContext: { requestId: req.id, sourceAddress: req.ip } });
      return await reply.status(201).send({
        model: outcome.model,
        task: outcome.task,
        algo: outcome.algo,
        metrics: Object.fromEntries(Object.entries(outcome.metrics).map(([k, v]) => [k, Number.isFinite(v) ? v : null])),
        bestIteration: outcome.bestIteration,
        rows: outcome.rows,
        features: outcome.features.length,
        ...(outcome.cv ? { cv: outcome.cv } : {}),
        warnings: [...outcome.warnings],
        checksum: outcome.checksum,
      });
    } catch (err) {
      // The client hung up and its run was stopped on purpose: nobody is listening, and it is not a server fault.
      if (controller.signal.aborted) {
        req.log.info({ reqId: req.id }, 'client closed the connection; training aborted');
        return reply;
      }
      throw err;
    } finally {
      reply.raw.off('close', onClose);
    }
  });

  app.get('/v1/trained-models', { schema: ListTrainedModelsRoute, config: { permission: 'models:read' } }, async (req) =>
    kiln.training.inProject(req.project).list({
      ...(req.query.limit !== undefined ? { limit: Number(req.query.limit) } : {}),
      ...(req.query.cursor !== undefined ? { cursor: req.query.cursor } : {}),
      ...(req.query.dataset !== undefined ? { datasetName: req.query.dataset } : {}),
    }),
  );

  app.get('/v1/trained-models/:id', { schema: GetTrainedModelRoute, config: { permission: 'models:read' } }, async (req) => kiln.training.inProject(req.project).get(req.params.id));

  app.get('/v1/trained-models/:id/bundle', { schema: GetTrainedModelBundleRoute, config: { permission: 'models:read' } }, async (req, reply) =>
    // A Buffer is sent as it is: the stored bytes, not a re-serialization.
    reply.type('application/json').send(Buffer.from(await kiln.training.inProject(req.project).bundle(req.params.id), 'utf8')),
  );
}
