/**
 * `/v1/batch-jobs`: `kiln batch` as a job, thin over `kiln.batchJobs`. Submitting needs `jobs:write` (it
 * runs work on the server), reading `jobs:read`; jobs of another project are 404s.
 */
import type { Kiln } from '../kiln.js';
import type { KilnApp } from './kiln-app.js';
import { BatchJobOutputRoute, GetBatchJobRoute, ListBatchJobsRoute, SubmitBatchJobRoute } from './schemas/batch-jobs-schemas.js';

/** Register the batch job routes. */
export function registerBatchJobsRoutes(app: KilnApp, kiln: Kiln): void {
  app.post('/v1/batch-jobs', { schema: SubmitBatchJobRoute, config: { permission: 'jobs:write' } }, async (req, reply) => {
    const job = await kiln.batchJobs.submit(req.project, req.body, { ...(req.principal ? { actor: req.principal } : {}), auditContext: { requestId: req.id, sourceAddress: req.ip } });
    return reply.status(202).header('location', `/v1/batch-jobs/${job.id}`).send(job);
  });
  app.get('/v1/batch-jobs', { schema: ListBatchJobsRoute, config: { permission: 'jobs:read' } }, async (req) => {
    const page = await kiln.batchJobs.list(req.project, { limit: req.query.limit === undefined ? undefined : Number(req.query.limit), cursor: req.query.cursor });
    return { batchJobs: page.items, next: page.next };
  });
  app.get('/v1/batch-jobs/:id', { schema: GetBatchJobRoute, config: { permission: 'jobs:read' } }, async (req) => kiln.batchJobs.get(req.project, req.params.id));
  app.get('/v1/batch-jobs/:id/output', { schema: BatchJobOutputRoute, config: { permission: 'jobs:read' } }, async (req, reply) => {
    const out = await kiln.batchJobs.output(req.project, req.params.id);
    return reply.header('content-type', 'application/vnd.apache.parquet').header('content-length', out.bytes).header('content-disposition', `attachment; filename="batch-${req.params.id}.parquet"`).send(out.stream);
  });
}
