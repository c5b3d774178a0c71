/**
 * Hyper-parameter tuning studies on a Kiln server (`/v1/studies`, docs/tuning.md): submit a study as a
 * `tune` job, list studies, read one as the `kiln tune --json` document, list its trial runs, cancel it.
 * Types only mirror the server's schemas; no Node built-ins (browser-safe like the rest of the client).
 */
import { CLIENT_ROUTES } from './client-routes.js';
import type { Page, PageRequest } from './client-types.js';
import type { Job } from './jobs-client.js';
import type { HttpTransport } from './http-transport.js';
import { fillPath } from './http-transport.js';

/** `POST /v1/studies`: a study request, data as a registered dataset version. */
export interface StudyRequest {
  /** NAME@VERSION; required for a new study. */
  dataset?: string;
  target?: string;
  algo?: string;
  task?: 'auto' | 'binary' | 'multiclass' | 'regression';
  exclude?: string[];
  positiveClass?: string;
  params?: Record<string, unknown>;
  /** Parameter -> distribution (`{type: 'float', low, high, log?, step?}`, `int`, `categorical`, `when`). */
  space?: Record<string, unknown>;
  trials?: number;
  sampler?: string;
  pruner?: string;
  parallel?: number;
  /** Run the trials as `tune-trial` jobs on any worker. */
  distributed?: boolean;
  metric?: string;
  timeoutSeconds?: number;
  seed?: number;
  experiment?: string;
  study?: string;
  resume?: string;
  validFraction?: number;
  testFraction?: number;
}

/** A study in a list. */
export interface StudySummary {
  id: string;
  name: string;
  experiment: string;
  status: string;
  algo: string | null;
  metric: string | null;
  direction: string | null;
  sampler: string | null;
  pruner: string | null;
  budget: number | null;
  parallel: number | null;
  distributed: boolean;
  best: { runId: string; value: number } | null;
  stopReason: string | null;
  startedAt: string;
  endedAt: string | null;
}

/** An ended trial in a study document. */
export interface StudyTrial {
  number: number;
  runId: string;
  parentId: string;
  state: 'complete' | 'pruned' | 'failed';
  value: number | null;
  params: Record<string, unknown>;
  bestIteration: number | null;
  prunedAt: number | null;
  error: string | null;
  durationMs: number;
}

/** The `kiln tune --json` document of a study. */
export interface StudyDocument {
  study: {
    id: string;
    runId: string;
    name: string;
    experiment: string;
    status: string;
    algo: string;
    task: string;
    metric: string;
    direction: 'maximize' | 'minimize';
    sampler: string;
    pruner: string;
    seed: number;
    parallel: number;
    distributed: boolean;
    budget: number;
    space: Record<string, unknown>;
    defaultSpace: boolean;
    resumed: boolean;
    stopReason: string | null;
  };
  trials: StudyTrial[];
  best: { runId: string; number: number; value: number; params: Record<string, unknown> } | null;
  model: string | null;
  modelId: string | null;
  importance: Record<string, number>;
  space: Record<string, unknown>;
}

/** A trial run (every attempt, running and killed ones included). */
export interface StudyTrialRun {
  number: number;
  runId: string;
  state: string;
  status: string;
  value: number | null;
  params: Record<string, unknown>;
  bestIteration: number | null;
  prunedAt: number | null;
  error: string | null;
  job: string | null;
  startedAt: string;
  endedAt: string | null;
}

/** Study calls. */
export class StudiesClient {
  constructor(private readonly http: HttpTransport) {}

  /** Submits a study as a `tune` job (the job's `runId` becomes the study id once it starts). */
  async submit(request: StudyRequest): Promise<Job> {
    return (await this.http.json<{ job: Job }>({ ...CLIENT_ROUTES.submitStudy, json: request })).job;
  }

  /** Studies of the project, newest first. */
  async list(page: PageRequest & { experiment?: string } = {}): Promise<Page<StudySummary>> {
    const res = await this.http.json<{ studies: StudySummary[]; next: string | null }>({ ...CLIENT_ROUTES.listStudies, query: { limit: page.limit, cursor: page.cursor ?? undefined, experiment: page.experiment } });
    return { items: res.studies, next: res.next };
  }

  /** One study: trials, best trial, parameter importance. */
  get(id: string): Promise<StudyDocument> {
    return this.http.json({ method: 'GET', path: fillPath(CLIENT_ROUTES.getStudy.path, { id }) });
  }

  /** Every trial run of a study, by number. */
  async trials(id: string): Promise<StudyTrialRun[]> {
    return (await this.http.json<{ trials: StudyTrialRun[] }>({ method: 'GET', path: fillPath(CLIENT_ROUTES.studyTrials.path, { id }) })).trials;
  }

  /** Cancels the job running a study (409 when no job runs it). */
  async cancel(id: string): Promise<Job> {
    return (await this.http.json<{ job: Job }>({ method: 'POST', path: fillPath(CLIENT_ROUTES.cancelStudy.path, { id }) })).job;
  }
}
