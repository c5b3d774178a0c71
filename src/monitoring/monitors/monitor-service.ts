/**
 * `MonitorService` (`kiln.monitors`): monitors on endpoints and their runs, in one project (`default`;
 * `inProject(p)` for another). A run reads the capture window [at - window, at) joined with feedback, shapes
 * it (`monitor-view.ts`), runs the monitor's checks against its baseline (or, when it names none, the
 * endpoint model's training statistics), stores the summary and its points in `metadata.monitors` (the time
 * series alerts and reports read), then calls every `MonitorRunListener` in order. Runs of one monitor are
 * serialized in a process, so listeners see them in order. A check that throws is noted and the others go
 * on; a run whose every check failed is `failed`; a window without rows is `empty` with no points.
 * Implements `MonitorRunHistory`.
 */
import { randomUUID } from 'node:crypto';
import { KilnError, NotFoundError, UsageError } from '../../core/errors.js';
import { Frame } from '../../core/frame.js';
import type { Column } from '../../core/frame.js';
import { parseBundle } from '../../runtime/bundle.js';
import type { ModelBundle } from '../../runtime/bundle-types.js';
import type { SecurityService } from '../../security/security-service.js';
import type { FeedbackService } from '../../serving/feedback/feedback-service.js';
import type { ModelSource } from '../../serving/model-source.js';
import type { MetadataStore } from '../../store/metadata-store.js';
import type { MonitorPointQuery, MonitorRecord, MonitorSeriesPoint, StoredMonitorRun } from '../../store/monitor-repository.js';
import type { Page, PageRequest } from '../../store/page.js';
import type { BaselineService, LoadedBaseline } from '../baselines/baseline-service.js';
import { baselineFromBundle, LABEL_COLUMN, PREDICTION_COLUMN } from '../baselines/baseline-document.js';
import type { MonitorCheck, MonitorResultPoint, MonitorRunHistory, MonitorRunListener, MonitorRunSummary } from '../monitor-run.js';
import { dataQualityCheck } from './data-quality-check.js';
import { driftCheck, renamed } from './drift-check.js';
import type { CheckOutput } from './drift-check.js';
import type { CreateMonitorInput, MonitorSpec } from './monitor-spec.js';
import { parseMonitorInput } from './monitor-spec.js';
import { monitorView } from './monitor-view.js';
import type { RequestTotals } from './operational-check.js';
import { operationalCheck, requestTotals } from './operational-check.js';
import { qualityCheck } from './quality-check.js';
import { previousCronTime, parseCron } from './cron-schedule.js';
import { conceptCheck } from './concept-check.js';
import { estimateCheck } from './estimate-check.js';
import { driftHistograms } from './drift-histograms.js';
import { attributionCheck } from './attribution-check.js';
import type { FeatureHistogram } from '../report/monitor-report-input.js';

/** A stored monitor as callers see it. */
export interface MonitorInfo {
  readonly project: string;
  readonly name: string;
  readonly endpoint: string;
  readonly spec: MonitorSpec;
  readonly lastScheduledAt: string | null;
  readonly createdAt: string;
  readonly createdBy: string;
}

/** Who acts (audit). */
export interface MonitorActor {
  readonly actor?: string;
  readonly requestId?: string;
}

/** What the service needs from below. */
export interface MonitorServiceDeps {
  readonly metadata: MetadataStore;
  readonly feedback: FeedbackService;
  readonly models: ModelSource;
  readonly baselines: BaselineService;
  readonly security?: SecurityService;
  /** Called after every run (in addition to those added with `onRun`). */
  readonly listeners?: readonly MonitorRunListener[];
  /** Where listener failures go (default: stderr). */
  readonly warn?: (message: string) => void;
}

interface SharedState {
  readonly listeners: Set<MonitorRunListener>;
  readonly chains: Map<string, Promise<unknown>>;
}

/** Monitors and runs of one project. */
export class MonitorService implements MonitorRunHistory {
  private readonly shared: SharedState;

  constructor(
    private readonly deps: MonitorServiceDeps,
    shared?: SharedState,
  ) {
    this.shared = shared ?? { listeners: new Set(deps.listeners ?? []), chains: new Map() };
  }

  /** The project this service acts in. */
  get project(): string {
    return this.deps.metadata.project;
  }

  /** Baselines of this project. */
  get baselines(): BaselineService {
    return this.deps.baselines;
  }

  /** The same service acting in `project` (listeners and run ordering are shared). */
  inProject(project: string): MonitorService {
    if (project === this.project) return this;
    return new MonitorService({ ...this.deps, metadata: this.deps.metadata.inProject(project), feedback: this.deps.feedback.inProject(project), baselines: this.deps.baselines.inProject(project) }, this.shared);
  }

  /** Subscribe to every run's summary (all projects); returns the unsubscribe function. */
  onRun(listener: MonitorRunListener): () => void {
    this.shared.listeners.add(listener);
    return () => void this.shared.listeners.delete(listener);
  }

  /** Create a monitor (ConflictError when the name is taken; the endpoint and baseline must exist). */
  async create(input: CreateMonitorInput, who: MonitorActor = {}): Promise<MonitorInfo> {
    const { name, endpoint, spec } = parseMonitorInput(input);
    if (!(await this.deps.metadata.endpoints.get(endpoint))) throw new NotFoundError(`endpoint "${endpoint}" not found in project "${this.project}"`, { field: 'endpoint' }, 'Create it first with `kiln endpoints create`.');
    if (spec.baseline) await this.deps.baselines.get(spec.baseline.name, spec.baseline.version);
    const now = Date.now();
    // The schedule starts now: due times before creation are not "missed".
    const start = spec.schedule ? previousCronTime(parseCron(spec.schedule), now) : null;
    const record = await this.deps.metadata.monitors.createMonitor({
      name,
      endpoint,
      spec: spec as unknown as Record<string, unknown>,
      schedule: spec.schedule,
      lastScheduledAt: start === null ? null : new Date(start).toISOString(),
      createdAt: new Date(now).toISOString(),
      createdBy: who.actor ?? 'local:unknown',
    });
    await this.audit('monitor.create', name, null, { endpoint, checks: spec.checks, schedule: spec.schedule }, who);
    return toInfo(record);
  }

  /** One monitor; NotFoundError when absent. */
  async get(name: string): Promise<MonitorInfo> {
    return toInfo(await this.record(name));
  }

  /** Monitors by name, paged. */
  async list(page: PageRequest = {}): Promise<Page<MonitorInfo>> {
    const p = await this.deps.metadata.monitors.listMonitors(page);
    return { items: p.items.map(toInfo), next: p.next };
  }

  /** Delete a monitor with its runs and points; NotFoundError when absent. */
  async delete(name: string, who: MonitorActor = {}): Promise<{ deleted: string }> {
    const before = await this.record(name);
    await this.deps.metadata.monitors.deleteMonitor(name);
    await this.audit('monitor.delete', name, { endpoint: before.endpoint }, null, who);
    return { deleted: name };
  }

  /** The newest runs of a monitor (MonitorRunHistory). */
  async recentRuns(monitor: string, limit: number): Promise<readonly MonitorRunSummary[]> {
    return (await this.deps.metadata.monitors.recentRuns(monitor, limit)).map(toSummary);
  }

  /** One run; NotFoundError when absent. */
  async getRun(runId: string): Promise<MonitorRunSummary> {
    const r = await this.deps.metadata.monitors.getRun(runId);
    if (!r) throw new NotFoundError(`monitor run "${runId.slice(0, 100)}" not found in project "${this.project}"`, { field: 'runId' });
    return toSummary(r);
  }

  /** Result points of a monitor as a time series (oldest first). */
  async results(query: MonitorPointQuery): Promise<MonitorSeriesPoint[]> {
    await this.record(query.monitor);
    return this.deps.metadata.monitors.series(query);
  }

  /** Run a monitor over the window ending at `at` (default now); stores and returns the summary. */
  run(name: string, opts: { at?: string | number } = {}): Promise<MonitorRunSummary> {
    const key = `${this.project}\u0000${name}`;
    const previous = this.shared.chains.get(key) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.runNow(name, opts));
    this.shared.chains.set(key, next);
    void next.finally(() => {
      if (this.shared.chains.get(key) === next) this.shared.chains.delete(key);
    }).catch(() => undefined);
    return next;
  }

  private async runNow(name: string, opts: { at?: string | number }): Promise<MonitorRunSummary> {
    const monitor = await this.record(name);
    const spec = monitor.spec as unknown as MonitorSpec;
    const endMs = opts.at === undefined ? Date.now() : timeOf(opts.at);
    const startMs = endMs - spec.windowMs;
    const windowStart = new Date(startMs).toISOString();
    const windowEnd = new Date(endMs).toISOString();
    const notes: string[] = [];
    const points: MonitorResultPoint[] = [];
    let status: MonitorRunSummary['status'] = 'ok';
    const endpoint = await this.deps.metadata.endpoints.get(monitor.endpoint);
    if (!endpoint) {
      status = 'failed';
      notes.push(`endpoint "${monitor.endpoint}" no longer exists in project "${this.project}"`);
    } else {
      const current = await this.deps.feedback.joinFeedback({ endpoint: monitor.endpoint, from: startMs, to: endMs });
      // Failed requests are never captured: an endpoint that failed every request still has counters to report.
      const totals = spec.checks.includes('operational') ? requestTotals(await this.deps.metadata.requestStats.window(monitor.endpoint, startMs, endMs)) : null;
      if (current.rowCount === 0 && totals === null) {
        status = 'empty';
        notes.push(`the window [${windowStart}, ${windowEnd}) held no captured rows; nothing was checked`);
      } else if (current.rowCount === 0) {
        notes.push(`the window [${windowStart}, ${windowEnd}) held no captured rows but serving counted requests: only the operational check ran`);
        try {
          const out = await this.operational(monitor.endpoint, current.rowCount, new Float64Array(0), endpoint.settings.captureSampleRate, [startMs, endMs], totals);
          points.push(...out.points);
          notes.push(...out.notes);
        } catch (err) {
          status = 'failed';
          notes.push(`operational: failed: ${err instanceof Error ? err.message : String(err)}`);
        }
      } else {
        const bundle = await this.servedBundle(endpoint, notes);
        const failures = await this.runChecks(spec, monitor.endpoint, current, bundle, endpoint.settings.captureSampleRate, [startMs, endMs], points, notes, totals);
        if (failures === spec.checks.length) status = 'failed';
      }
    }
    const summary: MonitorRunSummary = { project: this.project, monitor: name, endpoint: monitor.endpoint, runId: randomUUID(), at: new Date().toISOString(), windowStart, windowEnd, status, points, notes };
    await this.deps.metadata.monitors.recordRun(summary);
    for (const listener of this.shared.listeners) {
      try {
        await listener(summary);
      } catch (err) {
        (this.deps.warn ?? ((m: string) => void process.stderr.write(`kiln monitors: ${m}\n`)))(`a run listener failed for monitor ${name}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    return summary;
  }

  /** Runs each check, collecting points and notes; returns how many failed. */
  private async runChecks(spec: MonitorSpec, endpoint: string, current: Frame, bundle: ModelBundle | null, sampleRate: number, [startMs, endMs]: [number, number], points: MonitorResultPoint[], notes: string[], totals: RequestTotals | null): Promise<number> {
    const view = windowView(current, bundle);
    for (const [col, n] of view.nonFinite) notes.push(`${n} non-finite values (Infinity) in column "${col}" were treated as missing by the statistics`);
    let baseline: LoadedBaseline | null = null;
    let failures = 0;
    const attempt = async (check: MonitorCheck, fn: () => Promise<CheckOutput> | CheckOutput): Promise<void> => {
      try {
        const out = await fn();
        points.push(...out.points);
        notes.push(...out.notes);
      } catch (err) {
        failures++;
        notes.push(`${check}: failed: ${err instanceof Error ? err.message : String(err)}`);
        if (!(err instanceof KilnError)) (this.deps.warn ?? ((m: string) => void process.stderr.write(`kiln monitors: ${m}\n`)))(`monitor check ${check} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      }
    };
    // The quality window (shifted back by the label delay), read once for quality and concept.
    let quality: { frame: Frame; window: string } | null = null;
    const labelled = async (): Promise<{ frame: Frame; window: string }> => {
      if (quality) return quality;
      if (spec.labelDelayMs === 0) return (quality = { frame: current, window: 'the window' });
      const from = startMs - spec.labelDelayMs;
      const to = endMs - spec.labelDelayMs;
      return (quality = { frame: await this.deps.feedback.joinFeedback({ endpoint, from, to }), window: `[${new Date(from).toISOString()}, ${new Date(to).toISOString()})` });
    };
    const needsBaseline = spec.checks.includes('drift') || spec.checks.includes('data_quality');
    if (needsBaseline && spec.baseline) {
      try {
        baseline = await this.deps.baselines.load(spec.baseline.name, spec.baseline.version);
      } catch (err) {
        notes.push(`baseline ${spec.baseline.name}: could not be loaded: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    for (const check of spec.checks) {
      if (check === 'drift') {
        await attempt('drift', async () => {
          const document = baseline?.document ?? (bundle ? baselineFromBundle(bundle) : null);
          if (!document) throw new UsageError('no baseline: the monitor names none that loads and the endpoint\'s model could not be loaded');
          if (!baseline) notes.push('drift: compared with the endpoint model\'s training statistics (binned; the monitor names no baseline)');
          let reference = baseline?.sample ?? null;
          if (reference && baseline?.record.sourceKind === 'dataset' && bundle) reference = renamed(reference, bundle.signature.target, LABEL_COLUMN);
          const labels = current.tryColumn('label');
          const cur = labels && !view.features.has(LABEL_COLUMN) ? new Frame([...view.features.columns, { ...labels, name: LABEL_COLUMN } as Column], view.rows) : view.features;
          if (!reference?.has(LABEL_COLUMN)) notes.push('drift: label drift needs a dataset baseline with the target column or a capture baseline with feedback; not computed');
          const out = await driftCheck(reference?.has(LABEL_COLUMN) ? cur : view.features, document, reference, { tests: spec.tests, thresholds: spec.thresholds, datasetDriftShare: spec.datasetDriftShare });
          const attribution = attributionCheck(view.features, reference, bundle, view.attributions);
          return { points: [...out.points, ...attribution.points], notes: [...out.notes, ...attribution.notes] };
        });
      } else if (check === 'data_quality') {
        await attempt('data_quality', () => dataQualityCheck(view.features.drop(view.features.has(PREDICTION_COLUMN) ? [PREDICTION_COLUMN] : []), bundle, baseline?.document ?? (bundle ? baselineFromBundle(bundle) : null), view.nonFinite, spec.suite));
      } else if (check === 'quality') {
        await attempt('quality', async () => {
          const q = await labelled();
          if (spec.labelDelayMs > 0) notes.push(`quality: label delay ${spec.labelDelay}: scored the predictions of ${q.window}`);
          return qualityCheck(q.frame, bundle, q.window);
        });
      } else if (check === 'concept') {
        await attempt('concept', async () => {
          const q = await labelled();
          return conceptCheck(q.frame, bundle, spec.conceptDetector, q.window);
        });
      } else if (check === 'estimate') {
        await attempt('estimate', async () => {
          const reference = await this.deps.feedback.joinFeedback({ endpoint, from: startMs - spec.estimateReferenceMs, to: startMs });
          return estimateCheck(current, reference, bundle, spec.estimateReference);
        });
      } else if (check === 'operational') {
        await attempt('operational', () => this.operational(endpoint, view.rows, view.latencyMs, sampleRate, [startMs, endMs], totals));
      }
    }
    return failures;
  }

  /** The operational check of a window: captured latencies, the prediction-id index count and the request counters. */
  private async operational(endpoint: string, rows: number, latencyMs: Float64Array, sampleRate: number, [startMs, endMs]: [number, number], totals: RequestTotals | null): Promise<CheckOutput> {
    const predictions = await this.deps.metadata.captureSegments.countPredictions(endpoint, new Date(startMs).toISOString(), new Date(endMs).toISOString());
    return operationalCheck(rows, latencyMs, endMs - startMs, sampleRate, predictions, totals);
  }

  /**
   * Baseline-vs-window distributions of every input column over [windowStart, windowEnd) (the report's
   * overlays; recomputed, not stored). Empty when the window has no rows or nothing to compare with.
   */
  async windowHistograms(name: string, windowStart: string, windowEnd: string): Promise<FeatureHistogram[]> {
    const monitor = await this.record(name);
    const spec = monitor.spec as unknown as MonitorSpec;
    const endpoint = await this.deps.metadata.endpoints.get(monitor.endpoint);
    if (!endpoint) return [];
    const current = await this.deps.feedback.joinFeedback({ endpoint: monitor.endpoint, from: timeOf(windowStart), to: timeOf(windowEnd) });
    if (current.rowCount === 0) return [];
    const bundle = await this.servedBundle(endpoint, []);
    const view = windowView(current, bundle);
    const baseline = spec.baseline ? await this.deps.baselines.load(spec.baseline.name, spec.baseline.version).catch(() => null) : null;
    const document = baseline?.document ?? (bundle ? baselineFromBundle(bundle) : null);
    if (!document) return [];
    const reference = baseline?.sample ? baseline.sample.drop([LABEL_COLUMN, PREDICTION_COLUMN].filter((n) => baseline.sample?.has(n))) : null;
    return driftHistograms(view.features.drop([PREDICTION_COLUMN].filter((n) => view.features.has(n))), document, reference);
  }

  /** The bundle of the variant with the largest traffic share (what signatures, labels and default baselines come from). */
  private async servedBundle(endpoint: { variants: readonly { name: string; model: string; weight: number }[] }, notes: string[]): Promise<ModelBundle | null> {
    const variant = [...endpoint.variants].sort((a, b) => b.weight - a.weight)[0];
    if (endpoint.variants.length > 1) notes.push(`the endpoint has ${endpoint.variants.length} variants; signature, labels and the default baseline come from "${variant.name}" (${variant.model})`);
    return this.loadBundle(variant.model, notes);
  }

  private async loadBundle(model: string, notes: string[]): Promise<ModelBundle | null> {
    try {
      const resolved = await this.deps.models.resolve(model, this.project);
      return parseBundle(JSON.parse(await resolved.load()) as unknown, model);
    } catch (err) {
      notes.push(`the endpoint's model ${model} could not be loaded: ${err instanceof Error ? err.message : String(err)}`);
      return null;
    }
  }

  private async record(name: string): Promise<MonitorRecord> {
    const m = typeof name === 'string' ? await this.deps.metadata.monitors.getMonitor(name) : null;
    if (!m) throw new NotFoundError(`monitor "${String(name).slice(0, 100)}" not found in project "${this.project}"`, { field: 'name', name: String(name).slice(0, 100) }, 'List monitors with `kiln monitor list`.');
    return m;
  }

  private async audit(action: string, name: string, before: Record<string, unknown> | null, after: Record<string, unknown> | null, who: MonitorActor): Promise<void> {
    await this.deps.security?.audit({ actor: who.actor ?? 'local:unknown', action, resourceType: 'monitors', resourceId: name, project: this.project, before, after }, who.requestId ? { requestId: who.requestId } : {});
  }
}

/** The window's inputs and prediction shaped for the checks (feedback's label columns dropped). */
function windowView(current: Frame, bundle: ModelBundle | null): ReturnType<typeof monitorView> {
  return monitorView(current.drop(['label', 'label_recorded_at'].filter((n) => current.has(n))), bundle);
}

function timeOf(v: string | number): number {
  const ms = typeof v === 'number' ? v : Date.parse(v);
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) throw new UsageError(`"at" must be an ISO-8601 time or epoch milliseconds (got ${JSON.stringify(v)})`, { field: 'at' });
  return ms;
}

function toInfo(r: MonitorRecord): MonitorInfo {
  return { project: r.project, name: r.name, endpoint: r.endpoint, spec: r.spec as unknown as MonitorSpec, lastScheduledAt: r.lastScheduledAt, createdAt: r.createdAt, createdBy: r.createdBy };
}

function toSummary(r: StoredMonitorRun): MonitorRunSummary {
  return { ...r, points: r.points.map((p) => ({ ...p, check: p.check as MonitorCheck })) };
}
