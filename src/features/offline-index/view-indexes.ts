/**
 * Builds feature views' offline indexes and hands a training set the fresh ones. The source is fingerprinted
 * before it is scanned and again after: a source that changed during the build leaves no index behind (the
 * build is abandoned), and one that changes later makes the index stale, so it is never read.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { DescribedSource } from '../../data/io/describe-source.js';
import type { FeatureViewDefinition } from '../definitions.js';
import { buildOfflineIndex } from './build-index.js';
import type { IndexState, OfflineIndexStore } from './index-store.js';
import { sameFingerprint, sourceFingerprint, viewDefinitionHash } from './index-store.js';
import { OfflineIndexCorruptError, OfflineIndexReader } from './read-index.js';

/** Where a view's rows are read from: a local file (with the dataset version it resolved from), or null for PostgreSQL. */
export type LocatedSource = { readonly path: string; readonly dataset?: string } | null;

/** What `kiln features index` did for one view. */
export interface ViewIndexReport {
  readonly view: string;
  /** `built` now, already `fresh` (nothing to do), or `skipped` (a PostgreSQL source: always scanned). */
  readonly status: 'built' | 'fresh' | 'skipped';
  readonly reason?: string;
  /** Source rows scanned, and distinct (keys, event time) rows indexed. */
  readonly sourceRows?: number;
  readonly entries?: number;
  readonly seconds?: number;
  readonly builtAt?: string;
}

/** Index state of one view, for `kiln features index --status`. */
export interface ViewIndexStatus {
  readonly view: string;
  readonly state: IndexState | 'not-indexable';
  readonly builtAt?: string;
  readonly entries?: number;
}

/** Build (`build`) or open (`openFresh`) one project's view indexes. */
export class ViewIndexes {
  /** Indexes kept in `store`, for `project`. */
  constructor(
    private readonly store: OfflineIndexStore,
    private readonly project: string,
  ) {}

  /** Build the index of `view` unless a fresh one exists (`force`: rebuild anyway). */
  async build(conn: DuckDBConnection, req: { view: FeatureViewDefinition; keys: readonly string[]; source: DescribedSource; located: LocatedSource; force?: boolean; onProgress?: (rows: number, total: number | undefined) => void }): Promise<ViewIndexReport> {
    const { view, keys, located } = req;
    if (located === null) return { view: view.name, status: 'skipped', reason: 'PostgreSQL sources are not indexed: training sets read them with DuckDB' };
    const definitionHash = viewDefinitionHash(view, keys);
    const before = await sourceFingerprint(located.path, located.dataset);
    const now = await this.store.state(view.name, definitionHash, before);
    if (now.state === 'fresh' && now.manifest && req.force !== true) return { view: view.name, status: 'fresh', sourceRows: now.manifest.sourceRows, entries: now.manifest.entries, builtAt: now.manifest.builtAt };
    const tmp = await this.store.startBuild(view.name);
    try {
      const manifest = await buildOfflineIndex(conn, { project: this.project, view, keys, source: req.source, dir: tmp, definitionHash, fingerprint: before, onProgress: req.onProgress });
      const after = await sourceFingerprint(located.path, located.dataset);
      if (!sameFingerprint(before, after)) {
        await this.store.abandon(tmp);
        return { view: view.name, status: 'skipped', reason: `the source ${located.path} changed while it was indexed; run the index again` };
      }
      await this.store.publish(view.name, tmp);
      return { view: view.name, status: 'built', sourceRows: manifest.sourceRows, entries: manifest.entries, seconds: manifest.buildSeconds, builtAt: manifest.builtAt };
    } catch (err) {
      await this.store.abandon(tmp);
      throw err;
    }
  }

  /** The state of `view`'s index against its source now. */
  async status(view: FeatureViewDefinition, keys: readonly string[], located: LocatedSource): Promise<ViewIndexStatus> {
    if (located === null) return { view: view.name, state: 'not-indexable' };
    const s = await this.store.state(view.name, viewDefinitionHash(view, keys), await sourceFingerprint(located.path, located.dataset));
    const cur = s.manifest ?? (await this.store.current(view.name))?.manifest;
    return { view: view.name, state: s.state, ...(cur ? { builtAt: cur.builtAt, entries: cur.entries } : {}) };
  }

  /** A reader of `view`'s index when it is fresh and opens intact; otherwise why the source is scanned. */
  async openFresh(view: FeatureViewDefinition, keys: readonly string[], located: LocatedSource): Promise<{ reader: OfflineIndexReader } | { reason: string }> {
    if (located === null) return { reason: 'PostgreSQL source (not indexed)' };
    const s = await this.store.state(view.name, viewDefinitionHash(view, keys), await sourceFingerprint(located.path, located.dataset));
    if (s.state !== 'fresh' || !s.dir || !s.manifest) return { reason: REASONS[s.state] };
    try {
      return { reader: OfflineIndexReader.open(s.dir, s.manifest) };
    } catch (err) {
      if (err instanceof OfflineIndexCorruptError) return { reason: `index damaged: ${err.message}` };
      throw err;
    }
  }
}

const REASONS: Record<IndexState, string> = {
  fresh: 'index fresh',
  missing: 'no offline index (build one with `kiln features index`)',
  'stale-source': 'offline index is stale: the source changed since it was built',
  'stale-definition': 'offline index is stale: the view definition changed since it was built',
  unreadable: 'offline index unreadable (damaged manifest)',
};
