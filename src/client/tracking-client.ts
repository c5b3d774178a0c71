/**
 * The tracking SDK against a server, with the method names of the embedded `kiln.tracking`
 * (`TrackingService`): `startRun`, `logParams`, `logMetrics`, `logArtifact`, `setTags`, `endRun`, `withRun`,
 * so training code moves between `openKiln()` and `createClient()` unchanged. Metric points are sent in
 * batches (one request per `logMetrics` call, split above `MAX_POINTS_PER_REQUEST`); a bound run's
 * `logMetric` buffers points and sends them `metricBatchSize` at a time, and before any other call on the
 * run, so a training loop costs one request per batch, not per point. NaN and ±Infinity travel as the
 * strings "NaN", "Infinity", "-Infinity" and come back as numbers.
 */
import { CLIENT_ROUTES } from './client-routes.js';
import type { Experiment, MetricInput, Page, PageRequest, ParamValue, RunArtifact, RunSearch, RunSummary, RunView, StartRunOptions } from './client-types.js';
import type { HttpTransport } from './http-transport.js';
import { fillPath } from './http-transport.js';

/** Points per request: well under the server's 100,000 and its JSON body limit. */
export const MAX_POINTS_PER_REQUEST = 50_000;

/** A started run with the logging calls bound to its id (what `withRun` hands `fn`). */
export interface ActiveRun {
  readonly id: string;
  logParams(params: Record<string, ParamValue>): Promise<void>;
  logMetrics(points: readonly MetricInput[]): Promise<void>;
  /** Buffers one point; sent with the next batch (see `flush`). */
  logMetric(key: string, value: number, step?: number): Promise<void>;
  setTags(tags: Record<string, string | null>): Promise<void>;
  logArtifact(path: string, bytes: Uint8Array | string | Blob): Promise<RunArtifact>;
  /** Sends buffered `logMetric` points now. */
  flush(): Promise<void>;
}

type WireMetric = { key: string; value: number | string; step?: number; timestamp?: number };

/** Experiments and runs on a Kiln server. */
export class TrackingClient {
  constructor(
    private readonly http: HttpTransport,
    private readonly metricBatchSize = 1000,
  ) {}

  /** Creates an experiment (409 conflict when the name exists). */
  createExperiment(name: string, description?: string): Promise<Experiment> {
    return this.http.json({ ...CLIENT_ROUTES.createExperiment, json: { name, ...(description !== undefined ? { description } : {}) } });
  }

  /** Experiments, one page at a time. */
  async listExperiments(page: PageRequest = {}): Promise<Page<Experiment>> {
    const res = await this.http.json<{ experiments: Experiment[]; next: string | null }>({ ...CLIENT_ROUTES.listExperiments, query: pageQuery(page) });
    return { items: res.experiments, next: res.next };
  }

  /** Starts a run (its experiment is created when missing). */
  async startRun(options: StartRunOptions = {}): Promise<RunSummary> {
    return decodeRun(await this.http.json<RunSummary>({ ...CLIENT_ROUTES.startRun, json: options }));
  }

  /** Logs params (immutable: logging a different value for a key is a conflict). */
  async logParams(runId: string, params: Record<string, ParamValue>): Promise<void> {
    await this.http.json({ method: CLIENT_ROUTES.logParams.method, path: fillPath(CLIENT_ROUTES.logParams.path, { id: runId }), json: { params } });
  }

  /** Logs metric points, batched (one request per `MAX_POINTS_PER_REQUEST` points, each one transaction). */
  async logMetrics(runId: string, points: readonly MetricInput[]): Promise<void> {
    const path = fillPath(CLIENT_ROUTES.logMetrics.path, { id: runId });
    for (let i = 0; i < points.length; i += MAX_POINTS_PER_REQUEST) {
      const metrics: WireMetric[] = points.slice(i, i + MAX_POINTS_PER_REQUEST).map((p) => ({ ...p, value: encodeMetric(p.value) }));
      await this.http.json({ method: CLIENT_ROUTES.logMetrics.method, path, json: { metrics } });
    }
  }

  /** Sets tags (null deletes one). */
  async setTags(runId: string, tags: Record<string, string | null>): Promise<void> {
    await this.http.json({ method: CLIENT_ROUTES.setTags.method, path: fillPath(CLIENT_ROUTES.setTags.path, { id: runId }), json: { tags } });
  }

  /** Uploads bytes as an artifact of the run, listed under `path` (replaces an artifact at the same path). */
  async logArtifact(runId: string, path: string, bytes: Uint8Array | string | Blob): Promise<RunArtifact> {
    return this.http.json({ method: CLIENT_ROUTES.logArtifact.method, path: fillPath(CLIENT_ROUTES.logArtifact.path, { id: runId }), query: { path }, raw: { body: bytes, contentType: 'application/octet-stream' } });
  }

  /** The bytes of a run's artifact at `path` (the server verifies them against their sha256 as it sends them). */
  async getArtifact(runId: string, path: string): Promise<Uint8Array> {
    return this.http.bytes({ method: CLIENT_ROUTES.getArtifact.method, path: fillPath(CLIENT_ROUTES.getArtifact.path, { id: runId }), query: { path } });
  }

  /** Ends a run: finished (default), failed or killed. */
  async endRun(runId: string, status: 'finished' | 'failed' | 'killed' = 'finished'): Promise<RunSummary> {
    return decodeRun(await this.http.json<RunSummary>({ method: CLIENT_ROUTES.endRun.method, path: fillPath(CLIENT_ROUTES.endRun.path, { id: runId }), json: { status } }));
  }

  /** Starts a run, calls `fn` with it, and ends it finished, or failed (rethrowing) when `fn` throws. */
  async withRun<T>(options: StartRunOptions, fn: (run: ActiveRun) => Promise<T>): Promise<T> {
    const run = await this.startRun(options);
    const active = this.bind(run.id);
    let result: T;
    try {
      result = await fn(active);
      await active.flush();
    } catch (err) {
      await active.flush().catch(() => undefined);
      await this.endRun(run.id, 'failed').catch(() => undefined);
      throw err;
    }
    await this.endRun(run.id, 'finished');
    return result;
  }

  /** The logging calls of one run, with `logMetric` points buffered into batches. */
  bind(runId: string): ActiveRun {
    let buffer: MetricInput[] = [];
    const flush = async (): Promise<void> => {
      if (buffer.length === 0) return;
      const points = buffer;
      buffer = [];
      await this.logMetrics(runId, points);
    };
    return {
      id: runId,
      flush,
      logParams: async (p) => {
        await flush();
        await this.logParams(runId, p);
      },
      logMetrics: async (p) => {
        await flush();
        await this.logMetrics(runId, p);
      },
      logMetric: async (key, value, step) => {
        buffer.push({ key, value, ...(step !== undefined ? { step } : {}), timestamp: Date.now() });
        if (buffer.length >= this.metricBatchSize) await flush();
      },
      setTags: async (t) => {
        await flush();
        await this.setTags(runId, t);
      },
      logArtifact: async (path, bytes) => {
        await flush();
        return this.logArtifact(runId, path, bytes);
      },
    };
  }

  /** Runs matching a filter in the run query language, ordered, one page at a time. */
  async searchRuns(search: RunSearch = {}): Promise<Page<RunSummary>> {
    const res = await this.http.json<{ runs: RunSummary[]; next: string | null }>({
      ...CLIENT_ROUTES.searchRuns,
      query: { filter: search.filter, orderBy: search.orderBy, experiment: search.experiment, ...pageQuery(search) },
    });
    return { items: res.runs.map(decodeRun), next: res.next };
  }

  /** One run with its metric series, artifacts, inputs, outputs and system facts. */
  async getRun(runId: string): Promise<RunView> {
    const run = decodeRun(await this.http.json<RunView>({ method: 'GET', path: fillPath(CLIENT_ROUTES.getRun.path, { id: runId }) }));
    if (run.series) for (const points of Object.values(run.series)) for (const p of points) p.value = decodeMetric(p.value);
    return run;
  }

  /** Deletes a run and everything logged to it. */
  async deleteRun(runId: string): Promise<void> {
    await this.http.json({ method: 'DELETE', path: fillPath(CLIENT_ROUTES.deleteRun.path, { id: runId }) });
  }
}

/** `limit` and `cursor` as query parameters. */
export function pageQuery(page: PageRequest): Record<string, string | number | undefined> {
  return { limit: page.limit, cursor: page.cursor ?? undefined };
}

function encodeMetric(v: number): number | string {
  return Number.isFinite(v) ? v : String(v);
}

function decodeMetric(v: number | string): number {
  return typeof v === 'number' ? v : Number(v);
}

function decodeRun<T extends RunSummary>(run: T): T {
  if (run.metrics) for (const [k, v] of Object.entries(run.metrics)) run.metrics[k] = decodeMetric(v);
  return run;
}
