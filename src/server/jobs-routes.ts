/**
 * `/v1/jobs`: list, show, logs and cancel background jobs, thin over `kiln.jobs`. Jobs belong to a
 * project (`X-Kiln-Project` / `?project=`); a job of another project is a 404, as an unknown one.
 */
import { UsageError } from '../core/errors.js';
import type { Kiln } from '../kiln.js';
import type { JobStatus } from '../store/job-repository.js';
import { JOB_STATUSES } from '../store/job-repository.js';
import type { PageRequest } from '../store/page.js';
import type { KilnApp } from './kiln-app.js';
import { CancelJobRoute, GetJobRoute, JobLogsRoute, ListJobsRoute } from './schemas/jobs-schemas.js';

function pageOf(query: { limit?: string; cursor?: string }): PageRequest {
  return { limit: query.limit === undefined ? undefined : Number(query.limit), cursor: query.cursor };
}

function statuses(text: string | undefined): JobStatus[] | undefined {
  if (text === undefined) return undefined;
  const list = text.split(',').map((s) => s.trim()).filter(Boolean);
  for (const s of list) {
    if (!(JOB_STATUSES as readonly string[]).includes(s)) throw new UsageError(`status must be one or more of ${JOB_STATUSES.join(', ')} (got '${s}')`, { field: 'status' });
  }
  return list as JobStatus[];
}

/** Register the job routes. */
export function registerJobsRoutes(app: KilnApp, kiln: Kiln): void {
  app.get('/v1/jobs', { schema: ListJobsRoute, config: { permission: 'jobs:read' } }, async (req) => {
    const page = await kiln.jobs.list({ project: req.project, status: statuses(req.query.status), kind: req.query.kind, page: pageOf(req.query) });
    return { jobs: page.items, next: page.next };
  });

  app.get('/v1/jobs/:id', { schema: GetJobRoute, config: { permission: 'jobs:read' } }, async (req) => ({ job: await kiln.jobs.get(req.params.id, req.project) }));

  app.get('/v1/jobs/:id/logs', { schema: JobLogsRoute, config: { permission: 'jobs:read' } }, async (req) => {
    const page = await kiln.jobs.logs(req.params.id, { project: req.project, after: req.query.after === undefined ? undefined : Number(req.query.after), page: pageOf(req.query) });
    return { lines: page.items, next: page.next };
  });

  app.post('/v1/jobs/:id/cancel', { schema: CancelJobRoute, config: { permission: 'jobs:write' } }, async (req) => ({
    job: await kiln.jobs.cancel(req.params.id, { project: req.project, ...(req.principal ? { actor: req.principal } : {}), auditContext: { requestId: req.id, sourceAddress: req.ip } }),
  }));
}
