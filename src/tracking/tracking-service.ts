/**
 * `TrackingService`: experiments and runs for the CLI, the HTTP API and user code (`kiln.tracking`).
 * Runs record params (immutable), metric series, tags, artifacts (bytes in the artifact store, listed per
 * run), inputs (dataset versions) and outputs (bundles, models), plus system facts: duration, peak memory
 * (the process's max RSS), Kiln version, git commit when started inside a checkout, seed, host.
 * Deletion is hard: the run's rows go; its artifacts become unreferenced and `kiln gc` may reclaim them.
 * A service acts in one project (`default`; `inProject(p)` for another).
 */
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { hostname } from 'node:os';
import { NotFoundError, UsageError } from '../core/errors.js';
import type { ArtifactStore } from '../store/artifact-store.js';
import type { ExperimentRecord } from '../store/experiment-repository.js';
import type { MetadataStore } from '../store/metadata-store.js';
import type { Page, PageRequest } from '../store/page.js';
import type { MetricPoint, RunArtifact, RunDetails, RunInput, RunOutput, RunRecord, RunSummary } from '../store/run-repository.js';
import { KILN_VERSION } from '../version.js';
import { gitCommit } from './git-commit.js';
import { parseRunOrder, parseRunQuery } from './run-query.js';

/** The experiment runs go to when none is named. */
export const DEFAULT_EXPERIMENT = 'default';

/** How to start a run. */
export interface StartRunOptions {
  /** Experiment name (created when missing); default `default`. */
  experiment?: string;
  name?: string;
  parentId?: string;
  seed?: number;
  createdBy?: string;
  params?: Record<string, ParamValue>;
  tags?: Record<string, string>;
}

/** A param value; numbers and booleans are stored as their string form. */
export type ParamValue = string | number | boolean;

/** A metric point as callers log it: step defaults to 0, timestamp to now. */
export interface MetricInput {
  key: string;
  value: number;
  step?: number;
  timestamp?: number;
}

/** A run search as the CLI and HTTP API give it. */
export interface RunSearchRequest {
  filter?: string;
  orderBy?: string;
  /** Experiment names to restrict to. */
  experiments?: readonly string[];
  page?: PageRequest;
}

/** A run with its metric series. */
export interface RunView extends RunDetails {
  series: Record<string, { step: number; value: number; timestamp: number }[]>;
}

/** Params and final metrics of runs side by side; `differs` marks keys whose values are not all equal. */
export interface RunComparison {
  runs: RunView[];
  params: { key: string; values: (string | null)[]; differs: boolean }[];
  metrics: { key: string; values: (number | null)[]; differs: boolean }[];
}

/** A started run with the logging calls bound to its id (what `withRun` hands `fn`). */
export interface ActiveRun {
  readonly id: string;
  logParams(params: Record<string, ParamValue>): Promise<void>;
  logMetrics(points: readonly MetricInput[]): Promise<void>;
  logMetric(key: string, value: number, step?: number): Promise<void>;
  setTags(tags: Record<string, string | null>): Promise<void>;
  logArtifact(path: string, bytes: Uint8Array): Promise<RunArtifact>;
  addArtifact(artifact: RunArtifact): Promise<void>;
  logInputs(inputs: readonly RunInput[]): Promise<void>;
  logOutputs(outputs: readonly RunOutput[]): Promise<void>;
}

function same(values: readonly unknown[]): boolean {
  return values.every((v) => Object.is(v, values[0]));
}

/** Experiments and runs over the metadata and artifact stores. */
export class TrackingService {
  constructor(
    private readonly metadata: MetadataStore,
    private readonly artifacts: ArtifactStore,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The project whose experiments and runs this service sees (`default` unless `inProject` chose another). */
  get project(): string {
    return this.metadata.project;
  }

  /** The same service acting in `project`: another project's experiments and run ids are unknown there. */
  inProject(project: string): TrackingService {
    return project === this.project ? this : new TrackingService(this.metadata.inProject(project), this.artifacts, this.now);
  }

  /** Creates an experiment; a used name is a ConflictError. */
  createExperiment(name: string, description?: string): Promise<ExperimentRecord> {
    return this.metadata.experiments.create({ id: randomUUID().replace(/-/g, ''), name, description: description ?? null, createdAt: this.now().toISOString() });
  }

  /** Experiments by name, one page at a time. */
  listExperiments(page?: PageRequest): Promise<Page<ExperimentRecord>> {
    return this.metadata.experiments.list(page);
  }

  /** One experiment by name; NotFoundError when missing. */
  async getExperiment(name: string): Promise<ExperimentRecord> {
    const e = await this.metadata.experiments.getByName(name);
    if (!e) throw new NotFoundError(`experiment '${name}' does not exist`, { field: 'experiment' }, 'List experiments with `kiln experiments list`.');
    return e;
  }

  /** Starts a running run in the experiment (created when missing), recording system facts. */
  async startRun(options: StartRunOptions = {}): Promise<RunRecord> {
    if (options.seed !== undefined && !Number.isSafeInteger(options.seed)) throw new UsageError('seed must be an integer', { field: 'seed' });
    const experiment = await this.metadata.experiments.ensure({
      id: randomUUID().replace(/-/g, ''),
      name: options.experiment ?? DEFAULT_EXPERIMENT,
      createdAt: this.now().toISOString(),
    });
    const run = await this.metadata.runs.create({
      id: randomUUID().replace(/-/g, ''),
      experimentId: experiment.id,
      name: options.name ?? null,
      parentId: options.parentId ?? null,
      startedAt: this.now().toISOString(),
      createdBy: options.createdBy ?? null,
      system: { kilnVersion: KILN_VERSION, host: hostname(), gitCommit: gitCommit(), seed: options.seed ?? null },
    });
    if (options.params) await this.logParams(run.id, options.params);
    if (options.tags) await this.setTags(run.id, options.tags);
    return run;
  }

  /** Logs params (immutable: a different value for a logged key is a ConflictError). */
  logParams(runId: string, params: Record<string, ParamValue>): Promise<void> {
    const strings: Record<string, string> = {};
    for (const [k, v] of Object.entries(params)) {
      if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') throw new UsageError(`param '${k}' must be a string, number or boolean`, { field: `params.${k}` });
      strings[k] = String(v);
    }
    return this.metadata.runs.logParams(runId, strings);
  }

  /** Logs a batch of metric points in one transaction. */
  logMetrics(runId: string, points: readonly MetricInput[]): Promise<void> {
    const now = this.now().getTime();
    const full: MetricPoint[] = points.map((p) => ({ key: p.key, value: p.value, step: p.step ?? 0, timestamp: p.timestamp ?? now }));
    return this.metadata.runs.logMetrics(runId, full);
  }

  /** Sets tags; null deletes one. */
  setTags(runId: string, tags: Record<string, string | null>): Promise<void> {
    return this.metadata.runs.setTags(runId, tags);
  }

  /** Stores bytes in the artifact store and lists them on the run under `path`. */
  async logArtifact(runId: string, path: string, bytes: Uint8Array): Promise<RunArtifact> {
    await this.requireRun(runId);
    const ref = await this.artifacts.put(bytes);
    const artifact = { path, hash: ref.hash, size: ref.size };
    await this.metadata.runs.addArtifact(runId, artifact);
    return artifact;
  }

  /** Streams a file into the artifact store and lists it on the run under `path` (HTTP uploads). */
  async logArtifactFile(runId: string, path: string, file: string): Promise<RunArtifact> {
    await this.requireRun(runId);
    const ref = await this.artifacts.putFile(file);
    const artifact = { path, hash: ref.hash, size: ref.size };
    await this.metadata.runs.addArtifact(runId, artifact);
    return artifact;
  }

  /** An artifact of a run by its path, with a verified stream of its bytes; NotFoundError for an unknown path. */
  async openArtifact(runId: string, path: string): Promise<{ artifact: RunArtifact; stream: Readable }> {
    const details = await this.metadata.runs.getDetails(runId);
    if (!details) throw notFound(runId);
    const artifact = details.artifacts.find((a) => a.path === path);
    if (!artifact) throw new NotFoundError(`run '${runId}' has no artifact at '${path.slice(0, 200)}'`, { field: 'path', runId }, `Its artifacts are listed by \`kiln runs show ${runId}\`.`);
    return { artifact, stream: await this.artifacts.openReadStream(artifact.hash) };
  }

  /** Records an already-stored artifact (e.g. a bundle) on the run. */
  addArtifact(runId: string, artifact: RunArtifact): Promise<void> {
    return this.metadata.runs.addArtifact(runId, artifact);
  }

  /** Records the dataset versions a run read. */
  logInputs(runId: string, inputs: readonly RunInput[]): Promise<void> {
    return this.metadata.runs.addInputs(runId, inputs);
  }

  /** Records what a run produced. */
  logOutputs(runId: string, outputs: readonly RunOutput[]): Promise<void> {
    return this.metadata.runs.addOutputs(runId, outputs);
  }

  /** Ends a run, adding its duration and the process's peak memory to its system facts. */
  async endRun(runId: string, status: 'finished' | 'failed' | 'killed' = 'finished'): Promise<RunRecord> {
    const run = await this.requireRun(runId);
    const ended = this.now();
    return this.metadata.runs.end(runId, status, ended.toISOString(), {
      durationMs: Math.max(0, ended.getTime() - Date.parse(run.startedAt)),
      peakMemoryBytes: process.resourceUsage().maxRSS * 1024,
    });
  }

  /** Moves an ended run back to running (a resumed tuning study continues its run); NotFoundError when missing. */
  reopenRun(runId: string): Promise<RunRecord> {
    return this.metadata.runs.reopen(runId);
  }

  /** Starts a run, calls `fn` with it, and ends it finished, or failed (rethrowing) when `fn` throws. */
  async withRun<T>(options: StartRunOptions, fn: (run: ActiveRun) => Promise<T>): Promise<T> {
    const run = await this.startRun(options);
    let result: T;
    try {
      result = await fn(this.bind(run.id));
    } catch (err) {
      await this.endRun(run.id, 'failed').catch(() => undefined);
      throw err;
    }
    await this.endRun(run.id, 'finished');
    return result;
  }

  /** The logging calls of one run. */
  bind(runId: string): ActiveRun {
    return {
      id: runId,
      logParams: (p) => this.logParams(runId, p),
      logMetrics: (p) => this.logMetrics(runId, p),
      logMetric: (key, value, step) => this.logMetrics(runId, [{ key, value, step }]),
      setTags: (t) => this.setTags(runId, t),
      logArtifact: (path, bytes) => this.logArtifact(runId, path, bytes),
      addArtifact: (a) => this.addArtifact(runId, a),
      logInputs: (i) => this.logInputs(runId, i),
      logOutputs: (o) => this.logOutputs(runId, o),
    };
  }

  /** Runs matching a filter (the run query language), ordered, one page at a time. */
  async searchRuns(request: RunSearchRequest = {}): Promise<Page<RunSummary>> {
    const filter = parseRunQuery(request.filter ?? '');
    const orderBy = parseRunOrder(request.orderBy ?? '');
    let experimentIds: string[] | undefined;
    if (request.experiments && request.experiments.length > 0) {
      experimentIds = [];
      for (const name of request.experiments) experimentIds.push((await this.getExperiment(name)).id);
    }
    return this.metadata.runs.search({ filter, orderBy, experimentIds, page: request.page });
  }

  /** Everything about one run, with its metric series; NotFoundError when missing. */
  async getRun(runId: string): Promise<RunView> {
    const details = await this.metadata.runs.getDetails(runId);
    if (!details) throw notFound(runId);
    const series: RunView['series'] = {};
    for (const p of await this.metadata.runs.metricHistory(runId)) (series[p.key] ??= []).push({ step: p.step, value: p.value, timestamp: p.timestamp });
    return { ...details, series };
  }

  /** Params and final metrics of two or more runs side by side. */
  async compareRuns(runIds: readonly string[]): Promise<RunComparison> {
    if (runIds.length < 2) throw new UsageError('compare needs at least two run ids', { field: 'runIds' });
    const runs: RunView[] = [];
    for (const id of runIds) runs.push(await this.getRun(id));
    const keys = (pick: (r: RunView) => Record<string, unknown>): string[] => [...new Set(runs.flatMap((r) => Object.keys(pick(r))))].sort();
    const params = keys((r) => r.params).map((key) => {
      const values = runs.map((r) => r.params[key] ?? null);
      return { key, values, differs: !same(values) };
    });
    const metrics = keys((r) => r.metrics).map((key) => {
      const values = runs.map((r) => (key in r.metrics ? r.metrics[key] : null));
      return { key, values, differs: !same(values) };
    });
    return { runs, params, metrics };
  }

  /** Deletes a run and everything logged to it (hard delete); NotFoundError when missing. */
  async deleteRun(runId: string): Promise<void> {
    if (!(await this.metadata.runs.delete(runId))) throw notFound(runId);
  }

  private async requireRun(runId: string): Promise<RunRecord> {
    const run = await this.metadata.runs.get(runId);
    if (!run) throw notFound(runId);
    return run;
  }
}

function notFound(runId: string): NotFoundError {
  return new NotFoundError(`run '${runId}' does not exist`, { field: 'runId', runId }, 'List runs with `kiln runs list`.');
}
