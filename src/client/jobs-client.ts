/**
 * Background jobs on a Kiln server (`/v1/jobs`, docs/jobs.md): read a job (a submitted study's id is its
 * `runId` once it starts), list jobs, cancel one. Browser-safe like the rest of the client.
 */
import { CLIENT_ROUTES } from './client-routes.js';
import type { Page, PageRequest } from './client-types.js';
import type { HttpTransport } from './http-transport.js';
import { fillPath } from './http-transport.js';

/** A background job (docs/jobs.md). */
export interface Job {
  id: string;
  project: string;
  kind: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  payload: unknown;
  progress: number;
  progressMessage: string | null;
  result: unknown;
  error: { code: string; message: string } | null;
  attempts: number;
  maxAttempts: number;
  /** For a `tune` job: the study id, once the study started. */
  runId: string | null;
  workerId: string | null;
  heartbeatAt: string | null;
  cancelRequestedAt: string | null;
  createdBy: string | null;
  createdAt: string;
  startedAt: string | null;
  endedAt: string | null;
}

/** Job calls. */
export class JobsClient {
  constructor(private readonly http: HttpTransport) {}

  /** One job: status, progress, result or error. */
  async get(id: string): Promise<Job> {
    return (await this.http.json<{ job: Job }>({ method: 'GET', path: fillPath(CLIENT_ROUTES.getJob.path, { id }) })).job;
  }

  /** Jobs of the project, newest first; `status` comma-separated (queued,running,...). */
  async list(query: PageRequest & { status?: string; kind?: string } = {}): Promise<Page<Job>> {
    const res = await this.http.json<{ jobs: Job[]; next: string | null }>({ ...CLIENT_ROUTES.listJobs, query: { limit: query.limit, cursor: query.cursor ?? undefined, status: query.status, kind: query.kind } });
    return { items: res.jobs, next: res.next };
  }

  /** Cancels a job (a running one stops within about a heartbeat). */
  async cancel(id: string): Promise<Job> {
    return (await this.http.json<{ job: Job }>({ method: 'POST', path: fillPath(CLIENT_ROUTES.cancelJob.path, { id }) })).job;
  }
}
