/**
 * TypeBox schemas of the job routes (`/v1/jobs`) and the job document `POST /v1/train {async: true}`
 * answers with. A job is `{ id, project, kind, status, payload, progress, progressMessage, result, error,
 * attempts, maxAttempts, runId, workerId, heartbeatAt, cancelRequestedAt, createdBy, createdAt,
 * startedAt, endedAt }` (docs/jobs.md).
 */
import { Type } from 'typebox';
import { JOB_STATUSES } from '../../store/job-repository.js';
import { errorResponses } from './common-schemas.js';

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
const TAGS = ['jobs'];
const JobId = Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) });
const PageQuery = { limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,4}$', description: 'page size, 1..1000' })), cursor: Type.Optional(Type.String({ maxLength: 4096 })) };

/** A job. */
export const JobSchema = Type.Object({
  id: Type.String(),
  project: Type.String(),
  kind: Type.String(),
  status: Type.Union([Type.Literal('queued'), Type.Literal('running'), Type.Literal('succeeded'), Type.Literal('failed'), Type.Literal('cancelled')]),
  payload: Type.Unknown(),
  progress: Type.Number({ minimum: 0, maximum: 1 }),
  progressMessage: Nullable(Type.String()),
  result: Type.Unknown({ description: 'what the handler returned (JSON), once succeeded' }),
  error: Type.Union([Type.Object({ code: Type.String({ description: 'interrupted, cancelled, or a Kiln error code' }), message: Type.String() }), Type.Null()]),
  attempts: Type.Integer(),
  maxAttempts: Type.Integer(),
  runId: Nullable(Type.String()),
  workerId: Nullable(Type.String()),
  heartbeatAt: Nullable(Type.String()),
  cancelRequestedAt: Nullable(Type.String()),
  createdBy: Nullable(Type.String()),
  createdAt: Type.String(),
  startedAt: Nullable(Type.String()),
  endedAt: Nullable(Type.String()),
});

/** `{ job }`. */
export const JobEnvelope = Type.Object({ job: JobSchema });

/** `GET /v1/jobs`. */
export const ListJobsRoute = {
  summary: "Jobs of the request's project, newest first (keyset-paged)",
  tags: TAGS,
  querystring: Type.Object(
    {
      status: Type.Optional(Type.String({ maxLength: 200, description: `comma-separated: ${JOB_STATUSES.join(', ')}` })),
      kind: Type.Optional(Type.String({ maxLength: 63 })),
      ...PageQuery,
    },
    { additionalProperties: false },
  ),
  response: { 200: Type.Object({ jobs: Type.Array(JobSchema), next: Nullable(Type.String()) }), ...errorResponses(400) },
};

/** `GET /v1/jobs/:id`. */
export const GetJobRoute = {
  summary: 'One job: state, progress, result or error',
  tags: TAGS,
  params: JobId,
  response: { 200: JobEnvelope, ...errorResponses(400, 404) },
};

/** `GET /v1/jobs/:id/logs`. */
export const JobLogsRoute = {
  summary: 'Log lines of a job after seq `after`, in order (keyset-paged)',
  tags: TAGS,
  params: JobId,
  querystring: Type.Object({ after: Type.Optional(Type.String({ pattern: '^[0-9]{1,15}$' })), ...PageQuery }, { additionalProperties: false }),
  response: {
    200: Type.Object({ lines: Type.Array(Type.Object({ seq: Type.Integer(), at: Type.String(), line: Type.String() })), next: Nullable(Type.String()) }),
    ...errorResponses(400, 404),
  },
};

/** `POST /v1/jobs/:id/cancel`. */
export const CancelJobRoute = {
  summary: 'Cancel a job: a queued one at once, a running one within a second or two (its run is marked killed)',
  tags: TAGS,
  params: JobId,
  response: { 200: JobEnvelope, ...errorResponses(400, 404) },
};
