/**
 * `AsyncInferenceService` (`kiln.asyncInference`): submit a predict payload to an endpoint as an
 * `async-inference` job and read its status and result later — the one implementation behind
 * `POST /v1/endpoints/{name}/async` and `GET /v1/endpoints/{name}/async/{id}`. The payload is stored as an
 * artifact (large inputs never sit in job rows); the callback URL is checked against the outbound-URL
 * policy at submit time (a refused URL is a 400 then, not a silent failure later) and again at delivery.
 */
import { NotFoundError, UsageError } from '../../core/errors.js';
import type { JobActor, JobService } from '../../jobs/job-service.js';
import type { OutboundUrlPolicy } from '../../security/outbound-url.js';
import { checkOutboundUrl } from '../../security/outbound-url.js';
import type { ArtifactStore } from '../../store/artifact-store.js';
import type { JobError, JobRecord, JobStatus } from '../../store/job-repository.js';
import type { EndpointService } from '../endpoint-service.js';
import type { NativePredictResponse } from '../inference-service.js';
import type { AsyncInferencePayload, AsyncInferenceResult } from './async-inference-job.js';
import { ASYNC_INFERENCE_JOB_KIND } from './async-inference-job.js';
import type { CallbackOutcome } from './callback-delivery.js';

/** Most instances one async request may carry. */
export const MAX_ASYNC_ROWS = 1_000_000;

/** What a caller submits. */
export interface AsyncInferenceRequest {
  /** The predict body: `{"instances": [...]}` or `{"columns": {...}}`. */
  readonly body: unknown;
  readonly callbackUrl?: string;
}

/** The answer to a submit (HTTP 202). */
export interface AsyncInferenceAccepted {
  readonly id: string;
  readonly endpoint: string;
  readonly status: JobStatus;
  readonly rows: number;
  /** Where to poll: `/v1/endpoints/{name}/async/{id}`. */
  readonly statusUrl: string;
}

/** Status of an async request, with the predictions once it succeeded. */
export interface AsyncInferenceStatus {
  readonly id: string;
  readonly endpoint: string;
  /** queued, running, succeeded, failed (the request or the job), cancelled. */
  readonly status: JobStatus;
  readonly rows: number;
  readonly createdAt: string;
  readonly finishedAt: string | null;
  readonly result?: Omit<NativePredictResponse, 'labels'> & { labels?: string[] };
  readonly error?: AsyncInferenceResult['error'] | JobError;
  readonly callback?: CallbackOutcome;
}

/** Rows of a predict body, or a UsageError naming what is wrong with its shape. */
export function countRows(body: unknown): number {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new UsageError('the request body is an object with "instances" (an array of objects) or "columns" (an object of arrays)', { field: 'body' });
  const b = body as { instances?: unknown; columns?: unknown };
  if (b.instances !== undefined) {
    if (!Array.isArray(b.instances)) throw new UsageError('instances must be an array of objects', { field: 'instances' });
    return b.instances.length;
  }
  if (b.columns !== undefined && b.columns !== null && typeof b.columns === 'object' && !Array.isArray(b.columns)) {
    const first = Object.values(b.columns as Record<string, unknown>)[0];
    if (first === undefined) return 0;
    if (!Array.isArray(first)) throw new UsageError('columns must map each column to an array of values', { field: 'columns' });
    return first.length;
  }
  throw new UsageError('the request body needs "instances" (an array of objects) or "columns" (an object of arrays)', { field: 'instances' });
}

/** Async inference over the jobs system. */
export class AsyncInferenceService {
  constructor(
    private readonly jobs: JobService,
    private readonly endpoints: EndpointService,
    private readonly artifacts: ArtifactStore,
    private readonly outboundPolicy: () => OutboundUrlPolicy,
  ) {}

  /** Store the payload and queue the job (404 for an unknown endpoint, 400 for a bad body or callback URL). */
  async submit(project: string, endpoint: string, request: AsyncInferenceRequest, who: JobActor = {}): Promise<AsyncInferenceAccepted> {
    await this.endpoints.get(endpoint, project);
    const rows = countRows(request.body);
    if (rows === 0) throw new UsageError('the request has no instances', { field: 'instances' });
    if (rows > MAX_ASYNC_ROWS) throw new UsageError(`at most ${MAX_ASYNC_ROWS} instances per async request (got ${rows})`, { field: 'instances' }, 'Use a batch job (POST /v1/batch-jobs or `kiln batch`) for larger inputs.');
    if (request.callbackUrl !== undefined) await checkOutboundUrl(request.callbackUrl, this.outboundPolicy(), 'callbackUrl');
    const bytes = Buffer.from(JSON.stringify(request.body));
    const ref = await this.artifacts.put(bytes);
    const payload: AsyncInferencePayload = { endpoint, input: ref.hash, inputBytes: bytes.length, rows, ...(request.callbackUrl !== undefined ? { callbackUrl: request.callbackUrl } : {}) };
    const job = await this.jobs.submit({ kind: ASYNC_INFERENCE_JOB_KIND, project, payload: payload as unknown as Record<string, string | number> }, who);
    return { id: job.id, endpoint, status: job.status, rows, statusUrl: `/v1/endpoints/${encodeURIComponent(endpoint)}/async/${job.id}` };
  }

  /** The request's status (404 unless it is an async request of this endpoint in this project). */
  async get(project: string, endpoint: string, id: string): Promise<AsyncInferenceStatus> {
    const job = await this.job(project, endpoint, id);
    const payload = job.payload as unknown as AsyncInferencePayload;
    const base = { id: job.id, endpoint, status: job.status, rows: payload.rows, createdAt: job.createdAt, finishedAt: job.endedAt };
    if (job.status === 'failed' || job.status === 'cancelled') return { ...base, ...(job.error ? { error: job.error } : {}) };
    if (job.status !== 'succeeded') return base;
    const result = job.result as unknown as AsyncInferenceResult;
    const callback = result.callback ? { callback: result.callback } : {};
    if (result.outcome === 'failed') return { ...base, status: 'failed', ...(result.error ? { error: result.error } : {}), ...callback };
    const output = JSON.parse(Buffer.from(await this.artifacts.get(result.output as string)).toString('utf8')) as Omit<NativePredictResponse, 'labels'> & { labels?: string[] };
    return { ...base, result: output, ...callback };
  }

  private async job(project: string, endpoint: string, id: string): Promise<JobRecord> {
    let job: JobRecord | null = null;
    try {
      job = await this.jobs.get(id, project);
    } catch (err) {
      if (!(err instanceof NotFoundError) && !(err instanceof UsageError)) throw err;
    }
    if (!job || job.kind !== ASYNC_INFERENCE_JOB_KIND || (job.payload as { endpoint?: unknown } | null)?.endpoint !== endpoint) {
      throw new NotFoundError(`no async request "${id.slice(0, 100)}" on endpoint "${endpoint.slice(0, 100)}"`, { field: 'id' }, 'Use the id (or statusUrl) the 202 answer gave.');
    }
    return job;
  }
}
