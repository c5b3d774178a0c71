/**
 * `kiln features index`: for each registered view (or the named ones), check its source's columns against the
 * definition as a training set would, then build its offline index unless a fresh one exists. PostgreSQL views
 * are reported as skipped: they are always scanned.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { NotFoundError } from '../../core/errors.js';
import type { DescribedSource } from '../../data/io/describe-source.js';
import { openDuckDbConnection } from '../../data/io/duckdb-session.js';
import { DefinitionIssues } from '../definition-issues.js';
import type { FeatureSource, RegisteredDefinitions } from '../definitions.js';
import { checkViewColumns, viewJoinKeys } from '../source-columns.js';
import { keyValueTypes } from '../join-key-types.js';
import type { LocatedSource, ViewIndexes, ViewIndexReport } from './view-indexes.js';

/** Options of `kiln.features.index`. */
export interface IndexViewsOptions {
  /** Only these views (all when absent or empty). */
  readonly views?: readonly string[];
  /** Rebuild fresh indexes too. */
  readonly force?: boolean;
  /** Source rows written so far for `view` (and the expected total when known). */
  readonly onProgress?: (view: string, rows: number, total: number | undefined) => void;
}

/** How the service finds and opens a view's source. */
export interface ViewSourceAccess {
  readonly locate: (source: FeatureSource) => Promise<LocatedSource>;
  readonly describe: (conn: DuckDBConnection, source: FeatureSource) => Promise<DescribedSource>;
}

/** Build the indexes `opts` asks for over `current`'s views; one report per view, in definition order. */
export async function indexViews(current: RegisteredDefinitions, indexes: ViewIndexes, access: ViewSourceAccess, opts: IndexViewsOptions): Promise<ViewIndexReport[]> {
  const wanted = opts.views ?? [];
  const unknown = wanted.find((v) => !current.featureViews.some((x) => x.name === v));
  if (unknown !== undefined) throw new NotFoundError(`no feature view '${unknown}'`, { field: 'views' }, 'See `kiln features list`.');
  const reports: ViewIndexReport[] = [];
  const conn = await openDuckDbConnection();
  try {
    for (const view of current.featureViews.filter((v) => wanted.length === 0 || wanted.includes(v.name))) {
      const located = await access.locate(view.source);
      if (located === null) {
        reports.push({ view: view.name, status: 'skipped', reason: 'PostgreSQL sources are not indexed: training sets read them with DuckDB' });
        continue;
      }
      const source = await access.describe(conn, view.source);
      try {
        const keys = viewJoinKeys(view, current.entities);
        const issues = new DefinitionIssues();
        checkViewColumns(view, keys, source.columns, `featureViews.${view.name}`, issues, keyValueTypes(view, current.entities));
        issues.throwIfAny(source.file);
        reports.push(await indexes.build(conn, { view, keys, source, located, force: opts.force, onProgress: (rows, total) => opts.onProgress?.(view.name, rows, total) }));
      } finally {
        await source.cleanup();
      }
    }
  } finally {
    conn.closeSync();
  }
  return reports;
}
