/**
 * Finding and opening a feature view's source: a file, a registered dataset version (resolved to its file) or a
 * PostgreSQL table/query (exported to a temp Parquet file), described for DuckDB and checked against the view's
 * definition the way every reader (training sets, materialization, stats, indexing) needs it.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { DatasetService } from '../data/datasets/dataset-service.js';
import type { DescribedSource } from '../data/io/describe-source.js';
import { describeSource } from '../data/io/describe-source.js';
import { DefinitionIssues } from './definition-issues.js';
import type { EntityDefinition, FeatureSource, FeatureViewDefinition } from './definitions.js';
import { exportPostgresSource } from './postgres-source.js';
import { checkViewColumns, viewJoinKeys } from './source-columns.js';
import { keyValueTypes } from './join-key-types.js';
import type { ViewSourceAccess } from './offline-index/index-views.js';
import type { LocatedSource } from './offline-index/view-indexes.js';

/** A view's source, described and column-checked, with the view's join keys. */
export interface CheckedViewSource {
  readonly source: DescribedSource;
  readonly keys: string[];
}

/** Locates and describes the sources of one project's feature views (datasets resolve in that project). */
export class ViewSources implements ViewSourceAccess {
  /** Sources whose dataset versions `datasets` resolves. */
  constructor(private readonly datasets: DatasetService) {}

  /** The local file a view reads (with NAME@VERSION for a dataset); null for PostgreSQL. */
  readonly locate = async (source: FeatureSource): Promise<LocatedSource> => {
    if (source.kind === 'file') return { path: source.path };
    if (source.kind === 'postgres') return null;
    const resolved = await this.datasets.resolveSource(datasetReference(source.dataset));
    return { path: resolved.path, ...(resolved.dataset ? { dataset: `${resolved.dataset.name}@${resolved.dataset.version}` } : {}) };
  };

  /** Describe a view's source; a PostgreSQL source is exported to a temp Parquet file that `cleanup` removes. */
  readonly describe = async (conn: DuckDBConnection, source: FeatureSource): Promise<DescribedSource> => {
    if (source.kind === 'file') return describeSource(conn, source.path, {});
    if (source.kind === 'dataset') return describeSource(conn, (await this.datasets.resolveSource(datasetReference(source.dataset))).path, {});
    const exported = await exportPostgresSource(source);
    try {
      const described = await describeSource(conn, exported.path, {});
      return { ...described, file: sourceLabel(source), cleanup: async () => { await described.cleanup(); await exported.cleanup(); } };
    } catch (err) {
      await exported.cleanup();
      throw err;
    }
  };

  /** Describe `view`'s source and check its keys, timestamps and features (InputError naming them); the caller cleans up. */
  async describeChecked(conn: DuckDBConnection, view: FeatureViewDefinition, entities: readonly EntityDefinition[]): Promise<CheckedViewSource> {
    const source = await this.describe(conn, view.source);
    try {
      const keys = viewJoinKeys(view, entities);
      const issues = new DefinitionIssues();
      checkViewColumns(view, keys, source.columns, `featureViews.${view.name}`, issues, keyValueTypes(view, entities));
      issues.throwIfAny(source.file);
      return { source, keys };
    } catch (err) {
      await source.cleanup();
      throw err;
    }
  }
}

/** How lineage, stats and errors name a source (never a PostgreSQL URL: the variable that holds it). */
export function sourceLabel(source: FeatureSource): string {
  if (source.kind === 'postgres') return `postgres:${source.table ?? 'query'} (${source.urlVariable})`;
  return source.kind === 'file' ? source.path : `dataset:${source.dataset}`;
}

/** NAME alone means the latest version. */
function datasetReference(dataset: string): string {
  return dataset.includes('@') ? dataset : `${dataset}@latest`;
}
