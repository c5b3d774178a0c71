/**
 * The feature store's service: `apply` (validate definitions against their sources, diff them against
 * the registered ones, append a registry version when something changed, audit it), reads of the
 * registered definitions, point-in-time training sets (training-set.ts), offline indexes, materialization and
 * online reads, pushes and stream ingestion. The CLI and HTTP call this, nothing else.
 * A service acts in one project (`inProject(p)` for another).
 */
import { createHash } from 'node:crypto';
import { ConflictError, InputError, NotFoundError, UsageError } from '../core/errors.js';
import type { DatasetService } from '../data/datasets/dataset-service.js';
import type { DescribedSource } from '../data/io/describe-source.js';
import { openDuckDbConnection } from '../data/io/duckdb-session.js';
import type { Principal } from '../security/permissions.js';
import type { AuditContext, SecurityService } from '../security/security-service.js';
import { localPrincipal } from '../security/security-service.js';
import type { ArtifactStore } from '../store/artifact-store.js';
import type { MetadataStore } from '../store/metadata-store.js';
import type { OnlineReadValue, OnlineStore } from '../store/online-store.js';
import type { StreamSource } from '../store/stream-source.js';
import type { BreakingChange } from './breaking-changes.js';
import { breakingChanges, modelFeatureUses } from './breaking-changes.js';
import type { FeatureViewStats } from './feature-stats.js';
import { featureViewStats } from './feature-stats.js';
import type { FeatureStreamReport } from './stream-ingest.js';
import { ingestFeatureStream } from './stream-ingest.js';
import { materializeView } from './materialize.js';
import type { Scalar } from './online-serving.js';
import { entityKeyOf, planOnline, requestValues, validatePush } from './online-serving.js';
import { computeOnDemand } from './on-demand.js';
import { featureColumn } from './point-in-time-join.js';
import { DefinitionIssues } from './definition-issues.js';
import type { FeatureDefinitions, FeatureServiceDefinition, RegisteredDefinitions, RegisteredFeatureView } from './definitions.js';
import type { FeaturePlan } from './plan.js';
import { canonicalJson, planApply } from './plan.js';
import { checkViewColumns, viewJoinKeys } from './source-columns.js';
import { keyValueTypes } from './join-key-types.js';
import type { TrainingSetLineage, TrainingSetOptions } from './training-set.js';
import { buildTrainingSet } from './training-set.js';
import { ViewSources, sourceLabel } from './view-sources.js';
import { OfflineIndexStore } from './offline-index/index-store.js';
import type { ViewIndexReport, ViewIndexStatus } from './offline-index/view-indexes.js';
import { ViewIndexes } from './offline-index/view-indexes.js';
import type { IndexViewsOptions } from './offline-index/index-views.js';
import { indexViews } from './offline-index/index-views.js';

export type { TrainingSetLineage, TrainingSetOptions } from './training-set.js';

/** The registered definitions with their registry version. */
export interface FeatureRegistrySnapshot extends RegisteredDefinitions {
  readonly version: number;
  readonly appliedAt: string;
}

/** What `apply` did. */
export interface ApplyResult {
  readonly plan: FeaturePlan;
  /** The registry version now current (unchanged when the plan is empty); 0 when nothing was ever registered. */
  readonly version: number;
  readonly applied: boolean;
  /** Changes that break registered model versions (see breaking-changes.ts); applied only when forced. */
  readonly breaking: readonly BreakingChange[];
  /** True when breaking changes were applied with `force` (audited as `features.apply.force`). */
  readonly forced: boolean;
}

/** Registered feature definitions and the training sets built from them. */
export class FeatureStoreService {
  /** Where this project's view sources are found and opened. */
  private readonly sources: ViewSources;

  /** A service over `metadata` (acting in its project); `datasets` resolves dataset-version sources. */
  constructor(
    private readonly metadata: MetadataStore,
    private readonly datasets: DatasetService,
    private readonly security: SecurityService,
    /** Opens (once, on first use) the online store shared by every project's service. */
    private readonly onlineStore: () => Promise<OnlineStore>,
    /** Where model bundles are read to learn which views registered models were trained on. */
    private readonly artifacts: ArtifactStore,
    /** Root of the feature views' offline indexes (`<home>/features/offline-index`); null: no indexes. */
    private readonly indexRoot: string | null = null,
  ) {
    this.sources = new ViewSources(datasets);
  }

  /** The same service acting in `project`. */
  inProject(project: string): FeatureStoreService {
    return project === this.metadata.project ? this : new FeatureStoreService(this.metadata.inProject(project), this.datasets.inProject(project), this.security, this.onlineStore, this.artifacts, this.indexRoot);
  }

  /**
   * Write each view's latest row per entity with event time in [start, end] to the online store and
   * record `end` as the view's watermark. `start` null: from each view's watermark (incremental), or
   * from the beginning for a view never materialized.
   */
  async materialize(opts: { start: Date | null; end: Date; views?: readonly string[]; onProgress?: (view: string, rows: number) => void }): Promise<Array<{ view: string; start: string; end: string; rows: number }>> {
    const current = await this.requireCurrent();
    const unknown = (opts.views ?? []).find((v) => !current.featureViews.some((x) => x.name === v));
    if (unknown !== undefined) throw new NotFoundError(`no feature view '${unknown}'`, { field: 'views' }, 'See `kiln features list`.');
    const views = current.featureViews.filter((v) => !opts.views || opts.views.includes(v.name));
    const marks = new Map((await this.metadata.featureRegistry.materializations()).map((m) => [m.view, m.watermark]));
    const store = await this.onlineStore();
    const out: Array<{ view: string; start: string; end: string; rows: number }> = [];
    const conn = await openDuckDbConnection();
    try {
      for (const view of views) {
        const startMs = opts.start ? opts.start.getTime() : Date.parse(marks.get(view.name) ?? '1970-01-01T00:00:00Z');
        if (startMs > opts.end.getTime()) throw new UsageError(`--start ${new Date(startMs).toISOString()} is after --end ${opts.end.toISOString()}`, { field: 'start' });
        const { source, keys } = await this.sources.describeChecked(conn, view, current.entities);
        try {
          const rows = await materializeView(conn, { view, keys, source, startMs, endMs: opts.end.getTime(), store, project: this.metadata.project, onRows: (n) => opts.onProgress?.(view.name, n) });
          await this.metadata.featureRegistry.recordMaterialization({ view: view.name, watermark: opts.end.toISOString(), rows, materializedAt: new Date().toISOString() });
          out.push({ view: view.name, start: new Date(startMs).toISOString(), end: opts.end.toISOString(), rows });
        } finally {
          await source.cleanup();
        }
      }
    } finally {
      conn.closeSync();
    }
    return out;
  }

  /**
   * Online values for entities: a feature service or VIEW:FEATURE list; each value with its status.
   * On-demand features are computed from the fetched values and `requestData[i]` (request fields of row i).
   */
  async online(req: { service?: string; features?: readonly string[]; entities: ReadonlyArray<Readonly<Record<string, Scalar>>>; requestData?: ReadonlyArray<Readonly<Record<string, Scalar>>>; now?: number }): Promise<{ features: string[]; results: Array<Record<string, OnlineReadValue>> }> {
    const current = await this.requireCurrent();
    const plan = planOnline(current, req.service, req.features);
    if (req.requestData !== undefined && req.requestData.length !== req.entities.length) {
      throw new InputError(`requestData has ${req.requestData.length} rows but entities has ${req.entities.length}`, { field: 'requestData' }, 'Send one requestData object per entity, in the same order.');
    }
    const requestRows = req.entities.map((_, i) => new Map(plan.onDemand.flatMap((o) => [...requestValues(o.odfv, o.inputs, req.requestData?.[i], i)])));
    const store = await this.onlineStore();
    const results: Array<Record<string, OnlineReadValue>> = req.entities.map(() => ({}));
    for (const part of plan.views) {
      const keys = req.entities.map((e, i) => entityKeyOf(e, part.keys, i, part.keyTypes));
      const rows = await store.read(this.metadata.project, { view: part.view.name, entityKeys: keys, features: part.features, ttlMs: part.view.ttlSeconds === null ? null : part.view.ttlSeconds * 1000, now: req.now });
      rows.forEach((row, i) => {
        for (const f of part.features) results[i][featureColumn(part.view.name, f)] = row[f];
      });
    }
    const derived: string[] = [];
    for (const o of plan.onDemand) {
      // Outside-TTL and missing inputs are null to the expression, as in training sets.
      const values = o.inputs.map((input) => results.map((r, i) => (input.view === undefined ? (requestRows[i].get(input.column) ?? null) : r[input.column]?.status === 'present' ? r[input.column].value : null)));
      const computed = computeOnDemand(o.odfv, o.features, o.inputs, values, results.length);
      o.features.forEach((f, j) => {
        const col = featureColumn(o.odfv.name, f);
        derived.push(col);
        results.forEach((r, i) => {
          const value = computed[j][i];
          r[col] = { status: value === null ? 'missing' : 'present', value, eventTime: null };
        });
      });
    }
    for (const r of results) for (const h of plan.hidden) delete r[h];
    const features = [...plan.views.flatMap((p) => p.features.map((f) => featureColumn(p.view.name, f)).filter((c) => !plan.hidden.has(c))), ...derived];
    return { features, results };
  }

  /** Validate pushed rows of one view per record and store the valid ones online (older never replaces newer). */
  async push(viewName: string, rows: readonly unknown[], actor: Principal = localPrincipal(), ctx: AuditContext = {}): Promise<{ accepted: number; written: number; stale: number; rejected: Array<{ index: number; reason: string }> }> {
    const current = await this.requireCurrent();
    const view = current.featureViews.find((v) => v.name === viewName);
    if (!view) throw new NotFoundError(`no feature view '${viewName}'`, { field: 'view' }, 'See `kiln features list`.');
    const { records, rejected } = validatePush(view, viewJoinKeys(view, current.entities), rows, keyValueTypes(view, current.entities));
    const result = records.length ? await (await this.onlineStore()).write(this.metadata.project, records) : { written: 0, stale: 0 };
    await this.security.audit({ actor: actor.actor, action: 'features.push', resourceType: 'features', resourceId: viewName, project: this.metadata.project, before: null, after: { accepted: records.length, rejected: rejected.length } }, ctx);
    return { accepted: records.length, ...result, rejected };
  }

  /** Offline and online statistics and freshness of one feature view (see feature-stats.ts). */
  async stats(viewName: string, opts: { now?: number } = {}): Promise<FeatureViewStats> {
    const current = await this.requireCurrent();
    const view = current.featureViews.find((v) => v.name === viewName);
    if (!view) throw new NotFoundError(`no feature view '${viewName}' in project '${this.metadata.project}'`, { field: 'view' }, `Registered views: ${current.featureViews.map((v) => v.name).join(', ') || 'none'}.`);
    const marks = await this.metadata.featureRegistry.materializations();
    const mark = marks.find((m) => m.view === view.name);
    const online = await (await this.onlineStore()).viewStats(this.metadata.project, view.name);
    const conn = await openDuckDbConnection();
    try {
      const { source, keys } = await this.sources.describeChecked(conn, view, current.entities);
      try {
        const materialization = mark ? { watermark: mark.watermark, rows: mark.rows, materializedAt: mark.materializedAt } : null;
        return await featureViewStats(conn, { view, keys, source, sourceLabel: sourceLabel(view.source), online, materialization, now: opts.now ?? Date.now() });
      } finally {
        await source.cleanup();
      }
    } finally {
      conn.closeSync();
    }
  }

  /**
   * Consume a stream of JSON rows of one view into the online store (see stream-ingest.ts); `source` is
   * a `StreamSource` (`openStreamSource('nats:SUBJECT' | 'redis-stream:KEY')`). Audited as `features.ingest`.
   */
  async ingestStream(viewName: string, source: StreamSource, opts: { untilIdleMs?: number; signal?: AbortSignal; onProgress?: (r: FeatureStreamReport) => void } = {}, actor: Principal = localPrincipal(), ctx: AuditContext = {}): Promise<FeatureStreamReport> {
    const current = await this.requireCurrent();
    const view = current.featureViews.find((v) => v.name === viewName);
    if (!view) throw new NotFoundError(`no feature view '${viewName}'`, { field: 'view' }, 'See `kiln features list`.');
    const project = this.metadata.project;
    const report = await ingestFeatureStream({ project, view, keys: viewJoinKeys(view, current.entities), keyTypes: keyValueTypes(view, current.entities), source, store: await this.onlineStore(), offsets: this.metadata.ingestOffsets, consumer: `kiln-features-${project}-${view.name}`.replace(/[^A-Za-z0-9_-]/g, '_'), ...opts });
    await this.security.audit({ actor: actor.actor, action: 'features.ingest', resourceType: 'features', resourceId: viewName, project, before: null, after: { source: source.id, consumed: report.consumed, written: report.written, rejected: report.rejectedCount } }, ctx);
    return report;
  }

  /** Each view's last materialization (watermark, rows). */
  async materializations(): Promise<Array<{ view: string; watermark: string; rows: number; materializedAt: string }>> {
    return this.metadata.featureRegistry.materializations();
  }

  /** The registered definitions (latest, or one `version`); null before the first apply. */
  async current(version?: number): Promise<FeatureRegistrySnapshot | null> {
    const entry = version === undefined ? await this.metadata.featureRegistry.latest() : await this.metadata.featureRegistry.get(version);
    if (!entry) return null;
    return { ...(JSON.parse(entry.document) as RegisteredDefinitions), version: entry.version, appliedAt: entry.appliedAt };
  }

  /** The plan `apply` would carry out, without writing (sources are checked). */
  async plan(definitions: FeatureDefinitions): Promise<ApplyResult> {
    await this.checkSources(definitions);
    const current = await this.current();
    const { plan } = planApply(current, definitions, (current?.version ?? 0) + 1);
    const breaking = plan.unchanged ? [] : breakingChanges(current, definitions, await modelFeatureUses(this.metadata, this.artifacts));
    return { plan, version: current?.version ?? 0, applied: false, breaking, forced: false };
  }

  /**
   * Register `definitions` (after checking their sources); idempotent: an unchanged apply writes nothing.
   * A change that breaks a registered model version's features is a ConflictError unless `force`.
   */
  async apply(definitions: FeatureDefinitions, actor: Principal = localPrincipal(), ctx: AuditContext = {}, options: { force?: boolean } = {}): Promise<ApplyResult> {
    await this.checkSources(definitions);
    const current = await this.current();
    const version = (current?.version ?? 0) + 1;
    const { plan, document } = planApply(current, definitions, version);
    if (plan.unchanged) return { plan, version: current?.version ?? 0, applied: false, breaking: [], forced: false };
    const breaking = breakingChanges(current, definitions, await modelFeatureUses(this.metadata, this.artifacts));
    if (breaking.length > 0 && options.force !== true) {
      const first = breaking[0];
      throw new ConflictError(
        `this apply breaks ${breaking.length} feature-view change(s) that registered model versions use: '${first.view}': ${first.change} (used by ${first.models.slice(0, 5).join(', ')})`,
        { field: 'featureViews', view: first.view, breaking },
        'Keep the view compatible (add a new view or feature instead), or apply with --force (audited) once those models are retired or retrained.',
      );
    }
    const text = canonicalJson(document);
    const appliedAt = new Date().toISOString();
    await this.metadata.featureRegistry.append({ version, digest: createHash('sha256').update(text).digest('hex'), document: text, appliedAt });
    await this.security.audit({ actor: actor.actor, action: 'features.apply', resourceType: 'features', resourceId: `registry@${version}`, project: this.metadata.project, before: current ? { version: current.version } : null, after: { version, plan } }, ctx);
    if (breaking.length > 0) {
      await this.security.audit({ actor: actor.actor, action: 'features.apply.force', resourceType: 'features', resourceId: `registry@${version}`, project: this.metadata.project, before: { version: current?.version ?? 0 }, after: { version, breaking } }, ctx);
    }
    return { plan, version, applied: true, breaking, forced: breaking.length > 0 };
  }

  /** One registered feature view or feature service by name (NotFoundError otherwise). */
  async show(name: string): Promise<{ kind: 'featureView'; view: RegisteredFeatureView } | { kind: 'featureService'; service: FeatureServiceDefinition } | { kind: 'entity'; entity: RegisteredDefinitions['entities'][number] }> {
    const current = await this.requireCurrent();
    const view = current.featureViews.find((v) => v.name === name);
    if (view) return { kind: 'featureView', view };
    const service = current.featureServices.find((s) => s.name === name);
    if (service) return { kind: 'featureService', service };
    const entity = current.entities.find((e) => e.name === name);
    if (entity) return { kind: 'entity', entity };
    throw new NotFoundError(`no feature view, feature service or entity named '${name}' in project '${this.metadata.project}'`, { field: 'name' }, 'See `kiln features list`.');
  }

  /** Build a point-in-time-correct training set for a feature service (see training-set.ts). */
  async trainingSet(opts: TrainingSetOptions): Promise<TrainingSetLineage> {
    return buildTrainingSet({ project: this.metadata.project, current: () => this.requireCurrent(), sources: this.sources, indexes: opts.useIndex === false ? null : this.viewIndexes() }, opts);
  }

  /**
   * Build the offline index of each file- or dataset-backed view (`views`: these only), so training sets read
   * the rows they need instead of scanning the sources (see offline-index/). A fresh index is kept unless
   * `force`; PostgreSQL views are skipped. Audited as `features.index`.
   */
  async index(opts: IndexViewsOptions = {}, actor: Principal = localPrincipal(), ctx: AuditContext = {}): Promise<ViewIndexReport[]> {
    const current = await this.requireCurrent();
    const indexes = this.viewIndexes();
    if (!indexes) throw new UsageError('offline indexes need a Kiln data directory (open Kiln with a home)');
    const reports = await indexViews(current, indexes, this.sources, opts);
    const built = reports.filter((r) => r.status === 'built').map((r) => r.view);
    if (built.length > 0) await this.security.audit({ actor: actor.actor, action: 'features.index', resourceType: 'features', resourceId: built.join(','), project: this.metadata.project, before: null, after: { built } }, ctx);
    return reports;
  }

  /** Each view's offline-index state against its source now (fresh, missing, stale, not indexable). */
  async indexStatus(): Promise<ViewIndexStatus[]> {
    const current = await this.requireCurrent();
    const indexes = this.viewIndexes();
    return Promise.all(current.featureViews.map(async (view) => (indexes ? indexes.status(view, viewJoinKeys(view, current.entities), await this.sources.locate(view.source)) : { view: view.name, state: 'missing' as const })));
  }

  private viewIndexes(): ViewIndexes | null {
    return this.indexRoot === null ? null : new ViewIndexes(new OfflineIndexStore(this.indexRoot, this.metadata.project), this.metadata.project);
  }

  private async requireCurrent(): Promise<FeatureRegistrySnapshot> {
    const current = await this.current();
    if (!current) throw new NotFoundError(`no feature definitions are registered in project '${this.metadata.project}'`, {}, 'Register them with `kiln features apply features.yaml`.');
    return current;
  }

  /** Every view's source must exist and hold its join keys, timestamps and features with fitting types. */
  private async checkSources(definitions: FeatureDefinitions): Promise<void> {
    const issues = new DefinitionIssues();
    const conn = await openDuckDbConnection();
    try {
      for (const [i, view] of definitions.featureViews.entries()) {
        const path = `featureViews[${i}]`;
        let source: DescribedSource;
        try {
          source = await this.sources.describe(conn, view.source);
        } catch (err) {
          issues.add(`${path}.source`, (err as Error).message);
          continue;
        }
        try {
          checkViewColumns(view, viewJoinKeys(view, definitions.entities), source.columns, path, issues, keyValueTypes(view, definitions.entities));
        } finally {
          await source.cleanup();
        }
      }
    } finally {
      conn.closeSync();
    }
    issues.throwIfAny(undefined);
  }
}
