/**
 * Dialect-agnostic SQL implementation of the run repository (Kysely). Every write to a run runs in one
 * transaction that first takes the run's row lock with a no-op `update ... returning status` (PostgreSQL
 * blocks a concurrent writer of the same run there; SQLite transactions already hold the write lock from
 * `BEGIN IMMEDIATE`) and refuses an ended run. Metric batches are multi-row inserts in chunks; the latest
 * value per key is an upsert that only replaces a value of a lower step (or the same step, older time).
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { ConflictError, NotFoundError, UsageError } from '../../core/errors.js';
import type { MetadataDialect } from '../metadata-store.js';
import type { Page } from '../page.js';
import { FINAL_RUN_STATUSES } from '../run-repository.js';
import type {
  MetricPoint,
  NewRun,
  RunArtifact,
  RunDetails,
  RunInput,
  RunOutput,
  RunRecord,
  RunRepository,
  RunSearch,
  RunStatus,
  RunSummary,
  RunSystemFacts,
} from '../run-repository.js';
import type { KilnDatabase } from './kiln-database.js';
import { searchRunIds } from './sql-run-repository-search.js';

/** Longest param/tag/metric key. */
export const MAX_KEY_LENGTH = 250;
/** Longest param or tag value. */
export const MAX_VALUE_LENGTH = 8000;
/** Rows per insert statement (5 bound values each stays under SQLite's 32,766 and PostgreSQL's 65,535). */
const CHUNK = 1000;
const HASH = /^[0-9a-f]{64}$/;

/** True when `s` holds a control character (names and keys show in terminals and URLs). */
function hasControl(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 32 || c === 127) return true;
  }
  return false;
}

function checkKey(key: unknown, field: string): string {
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_KEY_LENGTH || hasControl(key)) {
    throw new UsageError(`${field} keys must be 1 to ${MAX_KEY_LENGTH} characters without control characters (got ${JSON.stringify(key)})`, { field });
  }
  return key;
}

function checkValue(value: unknown, field: string, key: string): string {
  if (typeof value !== 'string' || value.length > MAX_VALUE_LENGTH) {
    throw new UsageError(`${field} '${key}' must be a string of at most ${MAX_VALUE_LENGTH} characters`, { field: `${field}.${key}` });
  }
  return value;
}

function checkPoint(p: MetricPoint, i: number): void {
  checkKey(p?.key, 'metrics');
  if (typeof p.value !== 'number') throw new UsageError(`metric point ${i} ('${p.key}'): value must be a number`, { field: `metrics[${i}].value` });
  if (!Number.isSafeInteger(p.step)) throw new UsageError(`metric point ${i} ('${p.key}'): step must be an integer`, { field: `metrics[${i}].step` });
  if (!Number.isSafeInteger(p.timestamp)) throw new UsageError(`metric point ${i} ('${p.key}'): timestamp must be integer milliseconds`, { field: `metrics[${i}].timestamp` });
}

/** A stored value back to a number: NULL is NaN (see run-repository.ts). */
function toMetricValue(v: number | string | null): number {
  return v === null ? Number.NaN : Number(v);
}

function parseSystem(json: string): RunSystemFacts {
  return JSON.parse(json) as RunSystemFacts;
}

type RunRow = { id: string; experiment_id: string; experiment: string; name: string | null; status: string; parent_id: string | null; started_at: string; ended_at: string | null; created_by: string | null; system_json: string };

function toRecord(r: RunRow): RunRecord {
  return {
    id: r.id,
    experimentId: r.experiment_id,
    experiment: r.experiment,
    name: r.name,
    status: r.status as RunStatus,
    parentId: r.parent_id,
    startedAt: r.started_at,
    endedAt: r.ended_at,
    createdBy: r.created_by,
    system: parseSystem(r.system_json),
  };
}

/** Run repository over any Kysely connection or transaction, for the runs of one project (`artifactHashes`: all). */
export class SqlRunRepository implements RunRepository {
  constructor(
    private readonly db: Kysely<KilnDatabase>,
    private readonly dialect: MetadataDialect,
    private readonly inTransaction: boolean,
    private readonly project: string,
  ) {}

  private tx<T>(fn: (trx: Kysely<KilnDatabase>) => Promise<T>): Promise<T> {
    return this.inTransaction ? fn(this.db) : this.db.transaction().execute(fn);
  }

  /** Locks the run's row for the transaction and checks it accepts writes. */
  private async lockOpen(trx: Kysely<KilnDatabase>, runId: string): Promise<RunStatus> {
    const row = await trx
      .updateTable('runs')
      .set((eb) => ({ status: eb.ref('status') }))
      .where('id', '=', runId)
      .where('project', '=', this.project)
      .returning('status')
      .executeTakeFirst();
    if (!row) throw new NotFoundError(`run '${runId}' does not exist`, { field: 'runId', runId }, 'List runs with `kiln runs list`.');
    const status = row.status as RunStatus;
    if (FINAL_RUN_STATUSES.includes(status)) throw new ConflictError(`run '${runId}' has ended (${status}); it accepts no more logging`, { field: 'runId', runId, status });
    return status;
  }

  private selectRuns(db: Kysely<KilnDatabase>) {
    return db
      .selectFrom('runs as r')
      .innerJoin('experiments as e', 'e.id', 'r.experiment_id')
      .select(['r.id', 'r.experiment_id', 'e.name as experiment', 'r.name', 'r.status', 'r.parent_id', 'r.started_at', 'r.ended_at', 'r.created_by', 'r.system_json'])
      .where('r.project', '=', this.project);
  }

  async create(input: NewRun): Promise<RunRecord> {
    if (input.name != null && (typeof input.name !== 'string' || input.name.length > MAX_KEY_LENGTH)) throw new UsageError(`run name must be at most ${MAX_KEY_LENGTH} characters`, { field: 'name' });
    return this.tx(async (trx) => {
      const experiment = await trx.selectFrom('experiments').select('id').where('id', '=', input.experimentId).where('project', '=', this.project).executeTakeFirst();
      if (!experiment) throw new NotFoundError(`experiment '${input.experimentId}' does not exist`, { field: 'experimentId' });
      if (input.parentId != null) {
        const parent = await trx.selectFrom('runs').select('id').where('id', '=', input.parentId).where('project', '=', this.project).executeTakeFirst();
        if (!parent) throw new NotFoundError(`parent run '${input.parentId}' does not exist`, { field: 'parentId' });
      }
      await trx
        .insertInto('runs')
        .values({
          id: input.id,
          project: this.project,
          experiment_id: input.experimentId,
          name: input.name ?? null,
          status: input.status ?? 'running',
          parent_id: input.parentId ?? null,
          started_at: input.startedAt,
          ended_at: null,
          created_by: input.createdBy ?? null,
          system_json: JSON.stringify(input.system ?? {}),
        })
        .execute();
      return toRecord((await this.selectRuns(trx).where('r.id', '=', input.id).executeTakeFirstOrThrow()) as RunRow);
    });
  }

  async get(id: string): Promise<RunRecord | null> {
    const row = await this.selectRuns(this.db).where('r.id', '=', id).executeTakeFirst();
    return row ? toRecord(row as RunRow) : null;
  }

  async getDetails(id: string): Promise<RunDetails | null> {
    const run = await this.get(id);
    if (!run) return null;
    const [summary] = await this.summaries([run]);
    const artifacts = await this.db.selectFrom('run_artifacts').select(['path', 'artifact_hash', 'size']).where('run_id', '=', id).orderBy('path').execute();
    const inputs = await this.db.selectFrom('run_inputs').select(['dataset_name', 'dataset_version', 'content_hash']).where('run_id', '=', id).orderBy('dataset_name').orderBy('dataset_version').execute();
    const outputs = await this.db.selectFrom('run_outputs').select(['kind', 'ref']).where('run_id', '=', id).orderBy('kind').orderBy('ref').execute();
    return {
      ...summary,
      artifacts: artifacts.map((a) => ({ path: a.path, hash: a.artifact_hash, size: Number(a.size) })),
      inputs: inputs.map((i) => ({ name: i.dataset_name, version: Number(i.dataset_version), hash: i.content_hash })),
      outputs: outputs.map((o) => ({ kind: o.kind, ref: o.ref })),
    };
  }

  async logParams(runId: string, params: Readonly<Record<string, string>>): Promise<void> {
    const entries = Object.entries(params).map(([k, v]) => [checkKey(k, 'params'), checkValue(v, 'params', k)] as const);
    if (entries.length === 0) return;
    await this.tx(async (trx) => {
      await this.lockOpen(trx, runId);
      const existing = await trx.selectFrom('run_params').select(['key', 'value']).where('run_id', '=', runId).where('key', 'in', entries.map(([k]) => k)).execute();
      const have = new Map(existing.map((r) => [r.key, r.value]));
      const fresh = entries.filter(([k, v]) => {
        const old = have.get(k);
        if (old !== undefined && old !== v) {
          throw new ConflictError(`param '${k}' of run '${runId}' is already '${old}'; params are immutable (tried '${v}')`, { field: `params.${k}` }, 'Log a differently named param, or use a tag for values that change.');
        }
        return old === undefined;
      });
      for (let i = 0; i < fresh.length; i += CHUNK) {
        await trx.insertInto('run_params').values(fresh.slice(i, i + CHUNK).map(([key, value]) => ({ run_id: runId, key, value }))).execute();
      }
    });
  }

  async logMetrics(runId: string, points: readonly MetricPoint[]): Promise<void> {
    points.forEach(checkPoint);
    if (points.length === 0) return;
    const latest = new Map<string, MetricPoint>();
    for (const p of points) {
      const cur = latest.get(p.key);
      if (!cur || p.step > cur.step || (p.step === cur.step && p.timestamp >= cur.timestamp)) latest.set(p.key, p);
    }
    const row = (p: MetricPoint) => ({ run_id: runId, key: p.key, value: Number.isNaN(p.value) ? null : p.value, step: p.step, timestamp: p.timestamp });
    await this.tx(async (trx) => {
      await this.lockOpen(trx, runId);
      for (let i = 0; i < points.length; i += CHUNK) await trx.insertInto('run_metrics').values(points.slice(i, i + CHUNK).map(row)).execute();
      const newest = [...latest.values()];
      for (let i = 0; i < newest.length; i += CHUNK) {
        await trx
          .insertInto('run_latest_metrics')
          .values(newest.slice(i, i + CHUNK).map(row))
          .onConflict((oc) =>
            oc
              .columns(['run_id', 'key'])
              .doUpdateSet({ value: sql`excluded.value`, step: sql`excluded.step`, timestamp: sql`excluded.timestamp` })
              .where(sql<boolean>`excluded.step > run_latest_metrics.step or (excluded.step = run_latest_metrics.step and excluded.timestamp >= run_latest_metrics.timestamp)`),
          )
          .execute();
      }
    });
  }

  async setTags(runId: string, tags: Readonly<Record<string, string | null>>): Promise<void> {
    const entries = Object.entries(tags).map(([k, v]) => [checkKey(k, 'tags'), v === null ? null : checkValue(v, 'tags', k)] as const);
    if (entries.length === 0) return;
    await this.tx(async (trx) => {
      await this.lockOpen(trx, runId);
      for (const [key, value] of entries) {
        if (value === null) await trx.deleteFrom('run_tags').where('run_id', '=', runId).where('key', '=', key).execute();
        else await trx.insertInto('run_tags').values({ run_id: runId, key, value }).onConflict((oc) => oc.columns(['run_id', 'key']).doUpdateSet({ value })).execute();
      }
    });
  }

  async addArtifact(runId: string, artifact: RunArtifact): Promise<void> {
    checkKey(artifact.path, 'path');
    if (!HASH.test(artifact.hash)) throw new UsageError('artifact hash must be 64 lowercase hex characters', { field: 'hash' });
    await this.tx(async (trx) => {
      await this.lockOpen(trx, runId);
      await trx
        .insertInto('run_artifacts')
        .values({ run_id: runId, path: artifact.path, artifact_hash: artifact.hash, size: artifact.size })
        .onConflict((oc) => oc.columns(['run_id', 'path']).doUpdateSet({ artifact_hash: artifact.hash, size: artifact.size }))
        .execute();
    });
  }

  async addInputs(runId: string, inputs: readonly RunInput[]): Promise<void> {
    await this.tx(async (trx) => {
      await this.lockOpen(trx, runId);
      for (const i of inputs) {
        checkKey(i.name, 'inputs');
        if (!Number.isSafeInteger(i.version) || i.version < 1) throw new UsageError(`input '${i.name}': version must be a positive integer`, { field: 'inputs.version' });
        await trx
          .insertInto('run_inputs')
          .values({ run_id: runId, dataset_name: i.name, dataset_version: i.version, content_hash: i.hash })
          .onConflict((oc) => oc.columns(['run_id', 'dataset_name', 'dataset_version']).doNothing())
          .execute();
      }
    });
  }

  async addOutputs(runId: string, outputs: readonly RunOutput[]): Promise<void> {
    await this.tx(async (trx) => {
      await this.lockOpen(trx, runId);
      for (const o of outputs) {
        checkKey(o.kind, 'outputs.kind');
        checkKey(o.ref, 'outputs.ref');
        await trx.insertInto('run_outputs').values({ run_id: runId, kind: o.kind, ref: o.ref }).onConflict((oc) => oc.columns(['run_id', 'kind', 'ref']).doNothing()).execute();
      }
    });
  }

  async markRunning(runId: string): Promise<void> {
    await this.tx(async (trx) => {
      await this.lockOpen(trx, runId);
      await trx.updateTable('runs').set({ status: 'running' }).where('id', '=', runId).execute();
    });
  }

  async reopen(runId: string): Promise<RunRecord> {
    return this.tx(async (trx) => {
      // The same no-op row lock as lockOpen, without refusing an ended run.
      const row = await trx.updateTable('runs').set((eb) => ({ status: eb.ref('status') })).where('id', '=', runId).where('project', '=', this.project).returning('status').executeTakeFirst();
      if (!row) throw new NotFoundError(`run '${runId}' does not exist`, { field: 'runId', runId }, 'List runs with `kiln runs list`.');
      if (FINAL_RUN_STATUSES.includes(row.status as RunStatus)) await trx.updateTable('runs').set({ status: 'running', ended_at: null }).where('id', '=', runId).where('project', '=', this.project).execute();
      return toRecord((await this.selectRuns(trx).where('r.id', '=', runId).executeTakeFirstOrThrow()) as RunRow);
    });
  }

  async end(runId: string, status: 'finished' | 'failed' | 'killed', endedAt: string, system: RunSystemFacts = {}): Promise<RunRecord> {
    if (!FINAL_RUN_STATUSES.includes(status)) throw new UsageError(`status must be one of ${FINAL_RUN_STATUSES.join(', ')}`, { field: 'status' });
    return this.tx(async (trx) => {
      await this.lockOpen(trx, runId);
      const current = await trx.selectFrom('runs').select('system_json').where('id', '=', runId).executeTakeFirstOrThrow();
      const merged = { ...parseSystem(current.system_json), ...system };
      await trx.updateTable('runs').set({ status, ended_at: endedAt, system_json: JSON.stringify(merged) }).where('id', '=', runId).execute();
      return toRecord((await this.selectRuns(trx).where('r.id', '=', runId).executeTakeFirstOrThrow()) as RunRow);
    });
  }

  async metricHistory(runId: string, key?: string): Promise<MetricPoint[]> {
    let q = this.db
      .selectFrom('run_metrics')
      .select(['key', 'value', 'step', 'timestamp'])
      .where('run_id', '=', runId)
      .where((eb) => eb.exists(eb.selectFrom('runs').select('id').where('id', '=', runId).where('project', '=', this.project)));
    if (key !== undefined) q = q.where('key', '=', key);
    const rows = await q.orderBy('key').orderBy('step').orderBy('timestamp').execute();
    return rows.map((r) => ({ key: r.key, value: toMetricValue(r.value), step: Number(r.step), timestamp: Number(r.timestamp) }));
  }

  async search(search: RunSearch): Promise<Page<RunSummary>> {
    const { ids, next } = await searchRunIds(this.db, this.dialect, this.project, search);
    if (ids.length === 0) return { items: [], next };
    const rows = await this.selectRuns(this.db).where('r.id', 'in', ids).execute();
    const byId = new Map(rows.map((r) => [r.id, toRecord(r as RunRow)]));
    const summaries = await this.summaries(ids.map((id) => byId.get(id)).filter((r): r is RunRecord => r !== undefined));
    return { items: summaries, next };
  }

  /** Adds params, latest metrics and tags to runs, in three queries. */
  private async summaries(runs: readonly RunRecord[]): Promise<RunSummary[]> {
    const ids = runs.map((r) => r.id);
    const out = new Map(runs.map((r) => [r.id, { ...r, params: {} as Record<string, string>, metrics: {} as Record<string, number>, tags: {} as Record<string, string> }]));
    for (const p of await this.db.selectFrom('run_params').select(['run_id', 'key', 'value']).where('run_id', 'in', ids).orderBy('key').execute()) out.get(p.run_id)!.params[p.key] = p.value;
    for (const t of await this.db.selectFrom('run_tags').select(['run_id', 'key', 'value']).where('run_id', 'in', ids).orderBy('key').execute()) out.get(t.run_id)!.tags[t.key] = t.value;
    for (const m of await this.db.selectFrom('run_latest_metrics').select(['run_id', 'key', 'value']).where('run_id', 'in', ids).orderBy('key').execute()) {
      out.get(m.run_id)!.metrics[m.key] = toMetricValue(m.value);
    }
    return ids.map((id) => out.get(id)!);
  }

  async delete(id: string): Promise<boolean> {
    return this.tx(async (trx) => {
      const run = await trx.selectFrom('runs').select('id').where('id', '=', id).where('project', '=', this.project).executeTakeFirst();
      if (!run) return false;
      for (const table of ['run_params', 'run_tags', 'run_metrics', 'run_latest_metrics', 'run_artifacts', 'run_inputs', 'run_outputs'] as const) {
        await trx.deleteFrom(table).where('run_id', '=', id).execute();
      }
      const result = await trx.deleteFrom('runs').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    });
  }

  /** Every project's: gc keeps an artifact while any run references it. */
  async *artifactHashes(batchSize = 1000): AsyncIterable<string> {
    for (const source of ['artifacts', 'outputs'] as const) {
      let after: [string, string] | null = null;
      for (;;) {
        const rows: { a: string; b: string; hash: string }[] =
          source === 'artifacts'
            ? await this.db.selectFrom('run_artifacts').select(['run_id as a', 'path as b', 'artifact_hash as hash']).$if(after !== null, (q) => q.where((eb) => eb.or([eb('run_id', '>', after![0]), eb.and([eb('run_id', '=', after![0]), eb('path', '>', after![1])])]))).orderBy('run_id').orderBy('path').limit(batchSize).execute()
            : await this.db.selectFrom('run_outputs').select(['run_id as a', 'ref as b', 'ref as hash']).where('kind', '=', 'bundle').$if(after !== null, (q) => q.where((eb) => eb.or([eb('run_id', '>', after![0]), eb.and([eb('run_id', '=', after![0]), eb('ref', '>', after![1])])]))).orderBy('run_id').orderBy('ref').limit(batchSize).execute();
        for (const r of rows) if (HASH.test(r.hash)) yield r.hash;
        if (rows.length < batchSize) break;
        const last = rows[rows.length - 1];
        after = [last.a, last.b];
      }
    }
  }
}
