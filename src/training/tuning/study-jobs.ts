/**
 * Studies as jobs, for callers that submit rather than run them (`POST /v1/studies`, `kiln tune --async`):
 * submitting checks the whole request first (a bad space or sampler is a UsageError naming the field, and no
 * job is written), and cancelling a study cancels the `tune` job that runs it.
 */
import { ConflictError } from '../../core/errors.js';
import type { JobActor, JobService } from '../../jobs/job-service.js';
import type { JobRecord, JsonValue } from '../../store/job-repository.js';
import type { TrackingService } from '../../tracking/tracking-service.js';
import { validateStudyRequest } from './study-request-check.js';
import { STUDY_TAGS } from './study-spec.js';
import { studyRun } from './study-view.js';
import { parseTuneJobPayload, TUNE_JOB_KIND } from './tune-job.js';

/** Who submits, in which project. */
export interface StudyJobsContext {
  readonly jobs: JobService;
  /** Bound to `project`. */
  readonly tracking: TrackingService;
  readonly project: string;
  readonly who?: JobActor;
}

/** Checks a `tune` payload completely and submits it as a job (queued). */
export async function submitStudy(c: StudyJobsContext, payload: JsonValue): Promise<JobRecord> {
  const request = parseTuneJobPayload(payload);
  validateStudyRequest(request);
  // A study to continue must exist now (404), not when a worker gets to it.
  if (request.resume !== undefined) await studyRun(c.tracking, request.resume);
  return c.jobs.submit({ kind: TUNE_JOB_KIND, project: c.project, payload }, c.who ?? {});
}

/** Cancels the job running (or about to resume) study `id`; a ConflictError when no job runs it. */
export async function cancelStudy(c: StudyJobsContext, id: string): Promise<JobRecord> {
  const { run } = await studyRun(c.tracking, id);
  let cursor: string | null = null;
  do {
    const page = await c.jobs.list({ project: c.project, kind: TUNE_JOB_KIND, status: ['queued', 'running'], page: { limit: 500, cursor } });
    const job = page.items.find((j) => j.runId === run.id);
    if (job) return c.jobs.cancel(job.id, { ...c.who, project: c.project });
    cursor = page.next;
  } while (cursor);
  if (run.status === 'running') {
    const owner = run.tags[STUDY_TAGS.owner];
    throw new ConflictError(`study ${id} is not run by a job${owner ? ` but by process ${owner}` : ''}`, { field: 'id', id }, 'Stop that process (Ctrl-C); the study stays resumable.');
  }
  throw new ConflictError(`study ${id} is not running (its run is ${run.status})`, { field: 'id', id, status: run.status });
}
