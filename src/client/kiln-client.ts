/**
 * `createClient`: a typed HTTP client for a Kiln server (`kiln/client`), usable in Node (>= 18) and
 * browsers — the global `fetch` only, no Node built-ins. It sends the API token as a bearer credential and
 * the project as `X-Kiln-Project`; every failure is a `KilnApiError` with the server's code, message, hint
 * and details. Groups follow the embedded SDK: `datasets`, `training`, `tracking` (the same method names
 * as `kiln.tracking`), `studies`, `jobs`, `tokens`, `projects`, `audit`, plus `whoami`, `health` and `ready`.
 */
import { CLIENT_ROUTES } from './client-routes.js';
import type {
  AuditEntry,
  AuditQuery,
  AuditVerification,
  DatasetRegistration,
  DatasetSummary,
  DatasetVersionDetails,
  DatasetVersionSummary,
  Health,
  NewToken,
  Page,
  PageRequest,
  Project,
  TokenRecord,
  TrainedModel,
  TrainRequest,
  TrainResult,
  Upload,
  Whoami,
} from './client-types.js';
import type { FetchLike } from './http-transport.js';
import { fillPath, HttpTransport } from './http-transport.js';
import { JobsClient } from './jobs-client.js';
import { StudiesClient } from './studies-client.js';
import { pageQuery, TrackingClient } from './tracking-client.js';

/** How to reach a server. */
export interface ClientOptions {
  /** The server, e.g. `http://127.0.0.1:7070`. */
  baseUrl: string;
  /** An API token (`kiln_...`) or an OIDC access token; in Node, `KILN_TOKEN` when not given. */
  token?: string;
  /** The project calls act on (`X-Kiln-Project`); the server's default is `default`. */
  project?: string;
  /** A `fetch` to use instead of the global one (tests, proxies, custom agents). */
  fetch?: FetchLike;
  /** `logMetric` points a bound run buffers before sending them (default 1000). */
  metricBatchSize?: number;
}

/** Dataset calls. */
export interface DatasetsClient {
  list(page?: PageRequest): Promise<Page<DatasetSummary>>;
  versions(name: string, page?: PageRequest): Promise<Page<DatasetVersionSummary>>;
  show(name: string, version: number | 'latest'): Promise<DatasetVersionDetails>;
  /** Registers a new version from an existing version (`{source: 'NAME@VERSION'}`), a server import, or an upload. */
  register(name: string, from: { source: string } | { import: string } | { upload: Upload }): Promise<DatasetRegistration>;
  /** Appends rows (an upload) as a new version; rows failing the attached suite are quarantined. */
  appendRows(name: string, upload: Upload): Promise<Record<string, unknown>>;
  profile(of: { dataset: string } | { rows: Record<string, unknown>[] } | { upload: Upload }): Promise<Record<string, unknown>>;
  validate(request: { dataset?: string; rows?: Record<string, unknown>[]; suite: unknown; reference?: string }): Promise<Record<string, unknown>>;
}

/** Training calls. */
export interface TrainingClient {
  /** Trains on a registered dataset version; resolves when the model is stored and recorded. */
  train(request: TrainRequest): Promise<TrainResult>;
  list(page?: PageRequest & { dataset?: string }): Promise<Page<TrainedModel>>;
  get(id: string): Promise<TrainedModel>;
  /** The model bundle's bytes (JSON, docs/specs/bundle.md). */
  bundle(id: string): Promise<Uint8Array>;
}

/** Token calls. */
export interface TokensClient {
  create(request: NewToken): Promise<{ token: string; record: TokenRecord }>;
  list(page?: PageRequest): Promise<Page<TokenRecord>>;
  revoke(id: string): Promise<TokenRecord>;
}

/** Project calls. */
export interface ProjectsClient {
  list(page?: PageRequest): Promise<Page<Project>>;
  create(name: string, description?: string): Promise<Project>;
}

/** Audit calls. */
export interface AuditClient {
  list(query?: AuditQuery): Promise<Page<AuditEntry>>;
  verify(): Promise<AuditVerification>;
}

/** A client of one server, as one principal, on one project. */
export interface KilnClient {
  readonly baseUrl: string;
  health(): Promise<Health>;
  ready(): Promise<Record<string, unknown>>;
  whoami(): Promise<Whoami>;
  readonly datasets: DatasetsClient;
  readonly training: TrainingClient;
  readonly tracking: TrackingClient;
  /** Tuning studies (`/v1/studies`). */
  readonly studies: StudiesClient;
  /** Background jobs (`/v1/jobs`). */
  readonly jobs: JobsClient;
  readonly tokens: TokensClient;
  readonly projects: ProjectsClient;
  readonly audit: AuditClient;
}

const UPLOAD_TYPES: Record<Upload['format'], string> = { csv: 'text/csv', ndjson: 'application/x-ndjson', parquet: 'application/vnd.apache.parquet', json: 'application/octet-stream' };

function uploadCall(upload: Upload): { query: Record<string, string | undefined>; raw: { body: Upload['body']; contentType: string } } {
  return { query: { format: upload.format, filename: upload.filename }, raw: { body: upload.body, contentType: UPLOAD_TYPES[upload.format] } };
}

/** A client for the server at `options.baseUrl`. */
export function createClient(options: ClientOptions): KilnClient {
  // No Node import: `process` is read only where a runtime defines it (Node, Bun, Deno's compatibility layer).
  const envToken = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.KILN_TOKEN?.trim();
  const token = options.token ?? (envToken || undefined);
  const http = new HttpTransport({ ...options, ...(token !== undefined ? { token } : {}) });
  const R = CLIENT_ROUTES;
  const datasets: DatasetsClient = {
    async list(page = {}) {
      const res = await http.json<{ datasets: DatasetSummary[]; next: string | null }>({ ...R.listDatasets, query: pageQuery(page) });
      return { items: res.datasets, next: res.next };
    },
    async versions(name, page = {}) {
      const res = await http.json<{ versions: DatasetVersionSummary[]; next: string | null }>({ method: 'GET', path: fillPath(R.datasetVersions.path, { name }), query: pageQuery(page) });
      return { items: res.versions, next: res.next };
    },
    show: async (name, version) => http.json({ method: 'GET', path: fillPath(R.showVersion.path, { name, version }) }),
    async register(name, from) {
      const path = fillPath(R.registerVersion.path, { name });
      if ('upload' in from) return http.json({ method: 'POST', path, ...uploadCall(from.upload) });
      return http.json({ method: 'POST', path, json: from });
    },
    appendRows: async (name, upload) => http.json({ method: 'POST', path: fillPath(R.appendRows.path, { name }), ...uploadCall(upload) }),
    async profile(of) {
      if ('upload' in of) return http.json({ ...R.profile, ...uploadCall(of.upload) });
      return http.json({ ...R.profile, json: of });
    },
    validate: (request) => http.json({ ...R.validate, json: request }),
  };
  const training: TrainingClient = {
    train: (request) => http.json({ ...R.train, json: request }),
    list: (page = {}) => http.json({ ...R.listTrainedModels, query: { ...pageQuery(page), dataset: page.dataset } }),
    get: async (id) => http.json({ method: 'GET', path: fillPath(R.getTrainedModel.path, { id }) }),
    bundle: async (id) => http.bytes({ method: 'GET', path: fillPath(R.trainedModelBundle.path, { id }) }),
  };
  const tokens: TokensClient = {
    create: (request) => http.json({ ...R.createToken, json: request }),
    list: (page = {}) => http.json({ ...R.listTokens, query: pageQuery(page) }),
    revoke: async (id) => http.json({ method: 'DELETE', path: fillPath(R.revokeToken.path, { id: id.replace(/^kiln_/, '') }) }),
  };
  const projects: ProjectsClient = {
    list: (page = {}) => http.json({ ...R.listProjects, query: pageQuery(page) }),
    create: (name, description) => http.json({ ...R.createProject, json: { name, ...(description !== undefined ? { description } : {}) } }),
  };
  const audit: AuditClient = {
    list: (query = {}) => http.json({ ...R.listAudit, query: { ...pageQuery(query), resource: query.resource, actor: query.actor, since: query.since } }),
    verify: () => http.json(R.verifyAudit),
  };
  return {
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    health: () => http.json(R.health),
    ready: () => http.json(R.ready),
    whoami: () => http.json(R.whoami),
    datasets,
    training,
    tracking: new TrackingClient(http, options.metricBatchSize),
    studies: new StudiesClient(http),
    jobs: new JobsClient(http),
    tokens,
    projects,
    audit,
  };
}
