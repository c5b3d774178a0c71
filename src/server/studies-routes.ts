/**
 * `/v1/studies`: hyper-parameter tuning studies over HTTP, thin over training/tuning (study-jobs.ts and
 * study-view.ts, the same functions `kiln tune --async` uses). A study is submitted as a `tune` job (202);
 * reading answers from tracking, so studies run by the CLI or any worker are visible. Studies belong to the
 * request's project; an unknown id, or a run that is not a study, is a 404.
 */
import type { Kiln } from '../kiln.js';
import type { JsonValue } from '../store/job-repository.js';
import type { KilnApp } from './kiln-app.js';
import { CancelStudyRoute, GetStudyRoute, ListStudiesRoute, StudyTrialsRoute, SubmitStudyRoute } from './schemas/studies-schemas.js';

/** Register the study routes. */
export function registerStudiesRoutes(app: KilnApp, kiln: Kiln): void {
  app.post('/v1/studies', { schema: SubmitStudyRoute, config: { permission: 'runs:write' } }, async (req, reply) => {
    const { submitStudy } = await import('../training/tuning/study-jobs.js');
    // The validated body is plain JSON already; the round trip types it as such.
    const payload = JSON.parse(JSON.stringify(req.body)) as JsonValue;
    const job = await submitStudy({ jobs: kiln.jobs, tracking: kiln.tracking.inProject(req.project), project: req.project, who: { ...(req.principal ? { actor: req.principal } : {}), auditContext: { requestId: req.id, sourceAddress: req.ip } } }, payload);
    return reply.status(202).send({ job });
  });

  app.get('/v1/studies', { schema: ListStudiesRoute, config: { permission: 'runs:read' } }, async (req) => {
    const { listStudies } = await import('../training/tuning/study-view.js');
    return listStudies(kiln.tracking.inProject(req.project), { ...(req.query.experiment ? { experiment: req.query.experiment } : {}), page: { limit: req.query.limit === undefined ? undefined : Number(req.query.limit), cursor: req.query.cursor } });
  });

  app.get('/v1/studies/:id', { schema: GetStudyRoute, config: { permission: 'runs:read' } }, async (req) => {
    const [{ getStudyDocument }, { studyJson }] = await Promise.all([import('../training/tuning/study-view.js'), import('../training/tuning/tune-job-result.js')]);
    return studyJson(await getStudyDocument(kiln.tracking.inProject(req.project), req.params.id));
  });

  app.get('/v1/studies/:id/trials', { schema: StudyTrialsRoute, config: { permission: 'runs:read' } }, async (req) => {
    const { listStudyTrials } = await import('../training/tuning/study-view.js');
    return { trials: await listStudyTrials(kiln.tracking.inProject(req.project), req.params.id) };
  });

  app.post('/v1/studies/:id/cancel', { schema: CancelStudyRoute, config: { permission: 'runs:write' } }, async (req) => {
    const { cancelStudy } = await import('../training/tuning/study-jobs.js');
    const job = await cancelStudy({ jobs: kiln.jobs, tracking: kiln.tracking.inProject(req.project), project: req.project, who: { ...(req.principal ? { actor: req.principal } : {}), auditContext: { requestId: req.id, sourceAddress: req.ip } } }, req.params.id);
    return { job };
  });
}
