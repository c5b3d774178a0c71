/**
 * The embedded online store: one SQLite file (WAL) with a row per (project, view, entity key). A write is
 * one conditional upsert per record (`ON CONFLICT ... DO UPDATE ... WHERE excluded.event_time >=
 * stored`), so an older record never overwrites a newer one, in one transaction per batch.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { UsageError } from '../../core/errors.js';
import type { OnlineReadRequest, OnlineReadValue, OnlineRecord, OnlineStore, OnlineValue, OnlineViewStats, OnlineWriteResult } from '../online-store.js';
import { checkOnlineRecord, readValues } from '../online-store.js';

/** Open (creating) the embedded online store at `path` (`:memory:` for tests). */
export function openSqliteOnlineStore(path: string): OnlineStore {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(`CREATE TABLE IF NOT EXISTS online_features (
    project TEXT NOT NULL, view TEXT NOT NULL, entity_key TEXT NOT NULL,
    event_time INTEGER NOT NULL, values_json TEXT NOT NULL,
    PRIMARY KEY (project, view, entity_key)) WITHOUT ROWID`);
  const upsert = db.prepare(
    `INSERT INTO online_features (project, view, entity_key, event_time, values_json) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (project, view, entity_key) DO UPDATE SET event_time = excluded.event_time, values_json = excluded.values_json
     WHERE excluded.event_time >= online_features.event_time`,
  );
  const stats = db.prepare('SELECT count(*) AS n, max(event_time) AS latest FROM online_features WHERE project = ? AND view = ?');
  const select = db.prepare('SELECT event_time, values_json FROM online_features WHERE project = ? AND view = ? AND entity_key = ?');
  const writeBatch = db.transaction((project: string, records: readonly OnlineRecord[]): number => {
    let written = 0;
    for (const r of records) written += upsert.run(project, r.view, r.entityKey, Math.trunc(r.eventTime), JSON.stringify(r.values)).changes;
    return written;
  });
  return {
    async write(project: string, records: readonly OnlineRecord[]): Promise<OnlineWriteResult> {
      records.forEach((r, i) => {
        const problem = checkOnlineRecord(r, i);
        if (problem) throw new UsageError(problem, { row: i });
      });
      const written = writeBatch(project, records);
      return { written, stale: records.length - written };
    },
    async read(project: string, req: OnlineReadRequest): Promise<Array<Record<string, OnlineReadValue>>> {
      const now = req.now ?? Date.now();
      return req.entityKeys.map((key) => {
        const row = select.get(project, req.view, key) as { event_time: number; values_json: string } | undefined;
        const stored = row ? { eventTime: Number(row.event_time), values: JSON.parse(row.values_json) as Record<string, OnlineValue> } : null;
        return readValues(stored, req.features, req.ttlMs, now);
      });
    },
    async viewStats(project: string, view: string): Promise<OnlineViewStats> {
      const row = stats.get(project, view) as { n: number; latest: number | null };
      return { entities: Number(row.n), latestEventTime: row.latest === null ? null : Number(row.latest) };
    },
    async close(): Promise<void> {
      db.close();
    },
  };
}
