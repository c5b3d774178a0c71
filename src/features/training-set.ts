/**
 * Training-set assembly for a feature service: resolve its views and on-demand features, decide per view
 * whether its offline index or a scan of its source is read, run the point-in-time join
 * (point-in-time-join.ts) and write the lineage next to the output as `OUT.lineage.json`.
 */
import { keyValueTypes } from './join-key-types.js';
import { extname } from 'node:path';
import { NotFoundError, UsageError } from '../core/errors.js';
import type { DescribedSource } from '../data/io/describe-source.js';
import { describeSource } from '../data/io/describe-source.js';
import { openDuckDbConnection } from '../data/io/duckdb-session.js';
import { writeFileAtomic } from '../data/io/temp-space.js';
import type { RegisteredDefinitions, RegisteredFeatureView } from './definitions.js';
import type { OnDemandFeature } from './on-demand.js';
import { planOnline } from './online-serving.js';
import type { PointInTimeView } from './point-in-time-join.js';
import { writePointInTime } from './point-in-time-join.js';
import type { ViewReadChoice } from './offline-index/view-read-choice.js';
import { chooseViewRead } from './offline-index/view-read-choice.js';
import type { ViewIndexes } from './offline-index/view-indexes.js';
import type { ViewSources } from './view-sources.js';
import { sourceLabel } from './view-sources.js';

/** Options of `trainingSet`. */
export interface TrainingSetOptions {
  readonly entities: string;
  readonly service: string;
  readonly out: string;
  readonly timestampColumn?: string;
  /** False: scan every source even when a view has a fresh offline index (default true). */
  readonly useIndex?: boolean;
  readonly onProgress?: (done: number, total: number) => void;
}

/** Lineage of a training set: written next to it as `OUT.lineage.json`. */
export interface TrainingSetLineage {
  readonly service: string;
  readonly project: string;
  readonly registryVersion: number;
  readonly featureViews: ReadonlyArray<{
    readonly name: string;
    readonly version: number;
    readonly source: string;
    readonly features: readonly string[];
    /** How the view's values were read: its offline index, or a scan of the source (`reason`: why not the index). */
    readonly read: 'index' | 'scan';
    readonly readReason?: string;
  }>;
  /** On-demand features with their expressions, as computed. */
  readonly onDemandFeatureViews?: ReadonlyArray<{ readonly name: string; readonly features: readonly OnDemandFeature[] }>;
  readonly entities: string;
  readonly timestampColumn: string;
  readonly rows: number;
  readonly columns: readonly string[];
  readonly createdAt: string;
}

/** What a training set is built from: one project's registered definitions, sources and indexes. */
export interface TrainingSetContext {
  readonly project: string;
  /** The registered definitions (asked after the options are checked). */
  readonly current: () => Promise<RegisteredDefinitions & { readonly version: number }>;
  readonly sources: ViewSources;
  /** The project's offline indexes; null without a data directory. */
  readonly indexes: ViewIndexes | null;
}

/** Build a point-in-time-correct training set for a feature service and write its lineage. */
export async function buildTrainingSet(ctx: TrainingSetContext, opts: TrainingSetOptions): Promise<TrainingSetLineage> {
  const format = outputFormat(opts.out);
  const timestampColumn = opts.timestampColumn ?? 'event_timestamp';
  const { project } = ctx;
  const current = await ctx.current();
  const service = current.featureServices.find((s) => s.name === opts.service);
  if (!service) throw new NotFoundError(`no feature service '${opts.service}' in project '${project}'`, { field: 'service' }, `Registered services: ${current.featureServices.map((s) => s.name).join(', ') || 'none'}.`);
  const conn = await openDuckDbConnection();
  const described: DescribedSource[] = [];
  const choices: ViewReadChoice[] = [];
  try {
    const entities = await describeSource(conn, opts.entities, {});
    described.push(entities);
    const plan = planOnline(current, service.name, undefined);
    const parts: PointInTimeView[] = [];
    for (const { view: planned, features: wanted } of plan.views) {
      const view = current.featureViews.find((v) => v.name === planned.name) as RegisteredFeatureView;
      const { source, keys } = await ctx.sources.describeChecked(conn, view, current.entities);
      described.push(source);
      const choice = await chooseViewRead(view, keys, { indexes: ctx.indexes, useIndex: opts.useIndex !== false, entityRows: entities.estimatedRows, locate: () => ctx.sources.locate(view.source) });
      choices.push(choice);
      parts.push({ view, keys, keyTypes: keyValueTypes(view, current.entities), features: view.features.filter((f) => wanted.includes(f.name)), source, ...(choice.read === 'index' ? { index: choice.reader } : {}) });
    }
    const onDemand = plan.onDemand.map((o) => ({ odfv: o.odfv, features: o.features, inputs: o.inputs }));
    const result = await writePointInTime(conn, { entities, timestampColumn, views: parts, hidden: plan.hidden, onDemand, out: opts.out, format, onProgress: opts.onProgress });
    const lineage: TrainingSetLineage = {
      service: service.name,
      project,
      registryVersion: current.version,
      featureViews: parts.map((p, i) => {
        // The join reads what was chosen, except an index found damaged mid-read: then it scanned and says why.
        const path = result.paths[i];
        const choice = choices[i];
        const reason = path.reason ?? (choice.read === 'scan' ? choice.reason : undefined);
        return { name: p.view.name, version: (p.view as RegisteredFeatureView).version, source: sourceLabel(p.view.source), features: p.features.map((f) => f.name), read: path.path, ...(path.path === 'scan' && reason ? { readReason: reason } : {}) };
      }),
      ...(onDemand.length > 0 ? { onDemandFeatureViews: onDemand.map((o) => ({ name: o.odfv.name, features: o.odfv.features.filter((f) => o.features.includes(f.name)) })) } : {}),
      entities: opts.entities,
      timestampColumn,
      rows: result.rows,
      columns: result.columns,
      createdAt: new Date().toISOString(),
    };
    await writeFileAtomic(`${opts.out}.lineage.json`, `${JSON.stringify(lineage, null, 2)}\n`);
    return lineage;
  } finally {
    for (const c of choices) if (c.read === 'index') c.reader.close();
    for (const d of described) await d.cleanup();
    conn.closeSync();
  }
}

function outputFormat(out: string): 'csv' | 'parquet' {
  const ext = extname(out).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.parquet') return 'parquet';
  throw new UsageError(`--out ${out} must end in .csv or .parquet`, { field: 'out' });
}
