/**
 * Dialect-agnostic SQL implementation of the monitor repository. A baseline's version is max + 1 inside
 * the insert's transaction (a racing writer hits the primary key and is retried once); a run and its
 * points commit together; the schedule position moves by compare-and-set (`UPDATE ... WHERE
 * last_scheduled_at IS expected`), so of two schedulers only one submits a due run.
 */
import type { Kysely, Selectable } from 'kysely';
import { ConflictError, UsageError } from '../../core/errors.js';
import type { BaselineRecord, MonitorPointQuery, MonitorRecord, MonitorRepository, MonitorSeriesPoint, NewBaseline, StoredMonitorRun } from '../monitor-repository.js';
import { decodeCursor, pageLimit, toPage } from '../page.js';
import type { Page, PageRequest } from '../page.js';
import type { KilnDatabase, MonitorBaselinesTable, MonitorPointsTable, MonitorRunsTable, MonitorsTable } from './kiln-database.js';
import { isUniqueViolation } from './unique-violation.js';

const POINT_CHUNK = 500;
const MAX_SERIES = 10_000;

function toBaseline(r: Selectable<MonitorBaselinesTable>): BaselineRecord {
  return {
    project: r.project,
    name: r.name,
    version: Number(r.version),
    sourceKind: r.source_kind as BaselineRecord['sourceKind'],
    source: r.source,
    documentHash: r.document_hash,
    sampleHash: r.sample_hash,
    rows: Number(r.row_count),
    columns: JSON.parse(r.columns_json) as string[],
    createdAt: r.created_at,
    createdBy: r.created_by,
  };
}

function toMonitor(r: Selectable<MonitorsTable>): MonitorRecord {
  return {
    project: r.project,
    name: r.name,
    endpoint: r.endpoint,
    spec: JSON.parse(r.spec_json) as Record<string, unknown>,
    schedule: r.schedule,
    lastScheduledAt: r.last_scheduled_at,
    createdAt: r.created_at,
    createdBy: r.created_by,
  };
}

function toPoint(p: Selectable<MonitorPointsTable>): MonitorSeriesPoint {
  return {
    runId: p.run_id,
    at: p.at,
    check: p.check_name,
    metric: p.metric,
    column: p.column_name,
    value: Number(p.value),
    ...(p.drifted === null ? {} : { drifted: Number(p.drifted) === 1 }),
  };
}

/** Baselines, monitors and runs of `project` over any Kysely connection or transaction. */
export class SqlMonitorRepository implements MonitorRepository {
  constructor(
    private readonly db: Kysely<KilnDatabase>,
    private readonly inTransaction: boolean,
    private readonly project: string,
  ) {}

  private tx<T>(fn: (db: Kysely<KilnDatabase>) => Promise<T>): Promise<T> {
    return this.inTransaction ? fn(this.db) : this.db.transaction().execute(fn);
  }

  async createBaseline(b: NewBaseline): Promise<BaselineRecord> {
    const insert = (db: Kysely<KilnDatabase>): Promise<BaselineRecord> =>
      (async () => {
        const last = await db.selectFrom('monitor_baselines').select((eb) => eb.fn.max('version').as('v')).where('project', '=', this.project).where('name', '=', b.name).executeTakeFirst();
        const row = {
          project: this.project,
          name: b.name,
          version: Number(last?.v ?? 0) + 1,
          source_kind: b.sourceKind,
          source: b.source,
          document_hash: b.documentHash,
          sample_hash: b.sampleHash,
          row_count: b.rows,
          columns_json: JSON.stringify(b.columns),
          created_at: b.createdAt,
          created_by: b.createdBy,
        };
        await db.insertInto('monitor_baselines').values(row).execute();
        return toBaseline(row);
      })();
    if (this.inTransaction) return insert(this.db);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.db.transaction().execute(insert);
      } catch (err) {
        if (!isUniqueViolation(err) || attempt >= 2) throw err;
      }
    }
  }

  async getBaseline(name: string, version?: number): Promise<BaselineRecord | null> {
    let q = this.db.selectFrom('monitor_baselines').selectAll().where('project', '=', this.project).where('name', '=', name);
    q = version === undefined ? q.orderBy('version', 'desc').limit(1) : q.where('version', '=', version);
    const row = await q.executeTakeFirst();
    return row ? toBaseline(row) : null;
  }

  async listBaselines(page: PageRequest = {}): Promise<Page<BaselineRecord>> {
    const limit = pageLimit(page.limit);
    let q = this.db
      .selectFrom('monitor_baselines as b')
      .selectAll('b')
      .where('b.project', '=', this.project)
      .where(({ eb, selectFrom }) => eb('b.version', '=', selectFrom('monitor_baselines as m').select((e) => e.fn.max('m.version').as('v')).whereRef('m.project', '=', 'b.project').whereRef('m.name', '=', 'b.name')));
    if (page.cursor != null) {
      const [after] = decodeCursor('monitor_baselines', page.cursor, ['string'] as const);
      q = q.where('b.name', '>', after);
    }
    const rows = await q.orderBy('b.name').limit(limit + 1).execute();
    return toPage(rows, limit, toBaseline, (b) => [b.name], 'monitor_baselines');
  }

  async createMonitor(m: Omit<MonitorRecord, 'project' | 'lastScheduledAt'> & { readonly lastScheduledAt?: string | null }): Promise<MonitorRecord> {
    const row = {
      project: this.project,
      name: m.name,
      endpoint: m.endpoint,
      spec_json: JSON.stringify(m.spec),
      schedule: m.schedule,
      last_scheduled_at: m.lastScheduledAt ?? null,
      created_at: m.createdAt,
      created_by: m.createdBy,
    };
    try {
      await this.db.insertInto('monitors').values(row).execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw new ConflictError(`monitor "${m.name}" already exists in project "${this.project}"`, { field: 'name' }, 'Pick another name, or delete it first with `kiln monitor delete`.');
      throw err;
    }
    return toMonitor(row);
  }

  async getMonitor(name: string): Promise<MonitorRecord | null> {
    const row = await this.db.selectFrom('monitors').selectAll().where('project', '=', this.project).where('name', '=', name).executeTakeFirst();
    return row ? toMonitor(row) : null;
  }

  async listMonitors(page: PageRequest = {}): Promise<Page<MonitorRecord>> {
    const limit = pageLimit(page.limit);
    let q = this.db.selectFrom('monitors').selectAll().where('project', '=', this.project);
    if (page.cursor != null) {
      const [after] = decodeCursor('monitors', page.cursor, ['string'] as const);
      q = q.where('name', '>', after);
    }
    const rows = await q.orderBy('name').limit(limit + 1).execute();
    return toPage(rows, limit, toMonitor, (m) => [m.name], 'monitors');
  }

  async deleteMonitor(name: string): Promise<boolean> {
    return this.tx(async (db) => {
      const res = await db.deleteFrom('monitors').where('project', '=', this.project).where('name', '=', name).executeTakeFirst();
      await db.deleteFrom('monitor_points').where('project', '=', this.project).where('monitor', '=', name).execute();
      await db.deleteFrom('monitor_runs').where('project', '=', this.project).where('monitor', '=', name).execute();
      return Number(res.numDeletedRows) > 0;
    });
  }

  async claimSchedule(name: string, expected: string | null, next: string | null): Promise<boolean> {
    let q = this.db.updateTable('monitors').set({ last_scheduled_at: next }).where('project', '=', this.project).where('name', '=', name);
    q = expected === null ? q.where('last_scheduled_at', 'is', null) : q.where('last_scheduled_at', '=', expected);
    const res = await q.executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  async scheduled(): Promise<MonitorRecord[]> {
    const rows = await this.db.selectFrom('monitors').selectAll().where('schedule', 'is not', null).orderBy('project').orderBy('name').execute();
    return rows.map(toMonitor);
  }

  async recordRun(run: StoredMonitorRun): Promise<void> {
    if (run.project !== this.project) throw new UsageError(`run project "${run.project}" is not the store's project "${this.project}"`, { field: 'project' });
    run.points.forEach((p, i) => {
      if (!Number.isFinite(p.value)) throw new UsageError(`point ${i} (${p.check}/${p.metric}) has a non-finite value`, { field: 'points', index: i });
    });
    const runRow: MonitorRunsTable = {
      project: run.project,
      run_id: run.runId,
      monitor: run.monitor,
      endpoint: run.endpoint,
      at: run.at,
      window_start: run.windowStart,
      window_end: run.windowEnd,
      status: run.status,
      notes_json: JSON.stringify(run.notes),
    };
    const points: MonitorPointsTable[] = run.points.map((p, seq) => ({
      project: run.project,
      run_id: run.runId,
      seq,
      monitor: run.monitor,
      at: run.at,
      check_name: p.check,
      metric: p.metric,
      column_name: p.column,
      value: p.value,
      drifted: p.drifted === undefined ? null : p.drifted ? 1 : 0,
    }));
    await this.tx(async (db) => {
      await db.insertInto('monitor_runs').values(runRow).execute();
      for (let i = 0; i < points.length; i += POINT_CHUNK) await db.insertInto('monitor_points').values(points.slice(i, i + POINT_CHUNK)).execute();
    });
  }

  async recentRuns(monitor: string, limit: number): Promise<StoredMonitorRun[]> {
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > 1000) throw new UsageError(`limit must be an integer from 1 to 1000, got ${String(limit)}`, { field: 'limit' });
    const rows = await this.db.selectFrom('monitor_runs').selectAll().where('project', '=', this.project).where('monitor', '=', monitor).orderBy('at', 'desc').orderBy('run_id', 'desc').limit(limit).execute();
    return this.withPoints(rows);
  }

  async getRun(runId: string): Promise<StoredMonitorRun | null> {
    const rows = await this.db.selectFrom('monitor_runs').selectAll().where('project', '=', this.project).where('run_id', '=', runId).execute();
    return (await this.withPoints(rows))[0] ?? null;
  }

  private async withPoints(rows: Selectable<MonitorRunsTable>[]): Promise<StoredMonitorRun[]> {
    if (rows.length === 0) return [];
    const points = await this.db
      .selectFrom('monitor_points')
      .selectAll()
      .where('project', '=', this.project)
      .where('run_id', 'in', rows.map((r) => r.run_id))
      .orderBy('run_id')
      .orderBy('seq')
      .execute();
    const byRun = new Map<string, MonitorSeriesPoint[]>();
    for (const p of points) {
      let list = byRun.get(p.run_id);
      if (!list) byRun.set(p.run_id, (list = []));
      list.push(toPoint(p));
    }
    return rows.map((r) => ({
      project: r.project,
      monitor: r.monitor,
      endpoint: r.endpoint,
      runId: r.run_id,
      at: r.at,
      windowStart: r.window_start,
      windowEnd: r.window_end,
      status: r.status as StoredMonitorRun['status'],
      points: (byRun.get(r.run_id) ?? []).map(({ runId: _r, at: _a, ...p }) => p),
      notes: JSON.parse(r.notes_json) as string[],
    }));
  }

  async series(query: MonitorPointQuery): Promise<MonitorSeriesPoint[]> {
    const limit = query.limit ?? 1000;
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_SERIES) throw new UsageError(`limit must be an integer from 1 to ${MAX_SERIES}, got ${String(limit)}`, { field: 'limit' });
    let q = this.db.selectFrom('monitor_points').selectAll().where('project', '=', this.project).where('monitor', '=', query.monitor);
    if (query.check !== undefined) q = q.where('check_name', '=', query.check);
    if (query.metric !== undefined) q = q.where('metric', '=', query.metric);
    if (query.column === null) q = q.where('column_name', 'is', null);
    else if (query.column !== undefined) q = q.where('column_name', '=', query.column);
    if (query.from !== undefined) q = q.where('at', '>=', query.from);
    if (query.to !== undefined) q = q.where('at', '<', query.to);
    const rows = await q.orderBy('at', 'desc').orderBy('run_id', 'desc').orderBy('seq', 'desc').limit(limit).execute();
    return rows.reverse().map(toPoint);
  }

  async artifactHashes(): Promise<string[]> {
    const rows = await this.db.selectFrom('monitor_baselines').select(['document_hash', 'sample_hash']).execute();
    const out = new Set<string>();
    for (const r of rows) {
      out.add(r.document_hash);
      if (r.sample_hash) out.add(r.sample_hash);
    }
    return [...out];
  }
}
