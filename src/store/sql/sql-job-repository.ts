/**
 * Dialect-agnostic SQL implementation of the job repository (Kysely). Every transition is one UPDATE
 * whose WHERE clause states the expected current state (status, owner): the database decides races
 * between processes, and the loser gets null instead of overwriting the winner. Log lines get their seq
 * in the same transaction that reads the last one; a concurrent append (a takeover overlapping its dead
 * predecessor's last flush) is retried on the primary-key violation.
 */
import { sql } from 'kysely';
import type { Kysely, Selectable } from 'kysely';
import { ConflictError, InternalError, NotFoundError, UsageError } from '../../core/errors.js';
import { JOB_STATUSES, MAX_JOB_LOG_LINE, checkJobId, checkJobKind, checkJobProject, jobDocumentText } from '../job-repository.js';
import type { HeartbeatReply, JobEnding, JobError, JobLogLine, JobQuery, JobRecord, JobRepository, JobStatus, JsonValue, NewJob } from '../job-repository.js';
import { MAX_JOB_ID } from '../job-repository.js';
import { decodeCursor, pageLimit, toPage } from '../page.js';
import type { Page, PageRequest } from '../page.js';
import type { JobsTable, KilnDatabase } from './kiln-database.js';
import { isUniqueViolation } from './unique-violation.js';

const LIST = 'jobs';
const LOGS = 'job-logs';
const MAX_MESSAGE = 1000;
const MAX_LINES_PER_APPEND = 10_000;

function checkStatus(status: unknown): JobStatus {
  if (typeof status !== 'string' || !(JOB_STATUSES as readonly string[]).includes(status)) {
    throw new UsageError(`job status must be one of ${JOB_STATUSES.join(', ')} (got ${JSON.stringify(status)})`, { field: 'status' });
  }
  return status as JobStatus;
}

function parse(text: string | null, id: string, column: string): JsonValue | null {
  if (text === null) return null;
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    throw new InternalError(`job ${id} has unreadable JSON in ${column}`, { field: column });
  }
}

function toRecord(r: Selectable<JobsTable>): JobRecord {
  return {
    id: r.id,
    project: r.project,
    kind: r.kind,
    status: r.status as JobStatus,
    payload: parse(r.payload_json, r.id, 'payload_json'),
    progress: Number(r.progress),
    progressMessage: r.progress_message,
    result: parse(r.result_json, r.id, 'result_json'),
    error: parse(r.error_json, r.id, 'error_json') as JobError | null,
    attempts: Number(r.attempts),
    maxAttempts: Number(r.max_attempts),
    runId: r.run_id,
    workerId: r.worker_id,
    heartbeatAt: r.heartbeat_at,
    cancelRequestedAt: r.cancel_requested_at,
    createdBy: r.created_by,
    createdAt: r.created_at,
    startedAt: r.started_at,
    endedAt: r.ended_at,
  };
}

/** Text as both databases can store it: PostgreSQL refuses NUL characters in text, so they become U+FFFD. */
function storable(text: string): string {
  return text.includes('\u0000') ? text.replaceAll('\u0000', '\uFFFD') : text;
}

function shortMessage(message: string | null): string | null {
  if (message === null) return null;
  return storable(message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE - 1)}…` : message);
}

function errorText(error: JobError): string {
  return JSON.stringify({ code: String(error.code), message: shortMessage(String(error.message)) ?? '' });
}

/** Job repository over any Kysely connection or transaction. */
export class SqlJobRepository implements JobRepository {
  constructor(
    private readonly db: Kysely<KilnDatabase>,
    private readonly inTransaction: boolean,
  ) {}

  async create(job: NewJob): Promise<JobRecord> {
    const project = job.project ?? 'default';
    checkJobProject(project);
    if (!Number.isSafeInteger(job.maxAttempts) || job.maxAttempts < 1 || job.maxAttempts > 100) {
      throw new UsageError(`maxAttempts must be an integer from 1 to 100 (got ${String(job.maxAttempts)})`, { field: 'maxAttempts' });
    }
    if (job.runId != null && (typeof job.runId !== 'string' || job.runId.length === 0 || job.runId.length > MAX_JOB_ID)) {
      throw new UsageError(`runId must be 1 to ${MAX_JOB_ID} characters`, { field: 'runId' });
    }
    const row = {
      id: checkJobId(job.id),
      project,
      kind: checkJobKind(job.kind),
      status: 'queued',
      payload_json: jobDocumentText(job.payload, 'payload'),
      progress: 0,
      progress_message: null,
      result_json: null,
      error_json: null,
      attempts: 0,
      max_attempts: job.maxAttempts,
      run_id: job.runId ?? null,
      worker_id: null,
      heartbeat_at: null,
      cancel_requested_at: null,
      created_by: job.createdBy ?? null,
      created_at: job.createdAt,
      started_at: null,
      ended_at: null,
    };
    try {
      await this.db.insertInto('jobs').values(row).execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw new ConflictError(`job ${row.id} already exists`, { field: 'id' });
      throw err;
    }
    return toRecord(row);
  }

  async get(id: string): Promise<JobRecord | null> {
    if (typeof id !== 'string' || id.length === 0 || id.length > MAX_JOB_ID) return null;
    const row = await this.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toRecord(row) : null;
  }

  async list(query: JobQuery = {}, page: PageRequest = {}): Promise<Page<JobRecord>> {
    const limit = pageLimit(page.limit);
    let q = this.db.selectFrom('jobs').selectAll();
    if (query.project !== undefined) q = q.where('project', '=', query.project);
    if (query.kind !== undefined) q = q.where('kind', '=', checkJobKind(query.kind));
    if (query.status !== undefined && query.status.length > 0) q = q.where('status', 'in', query.status.map(checkStatus));
    if (page.cursor != null) {
      const [createdAt, id] = decodeCursor(LIST, page.cursor, ['string', 'string'] as const);
      q = q.where((eb) => eb.or([eb('created_at', '<', createdAt), eb.and([eb('created_at', '=', createdAt), eb('id', '<', id)])]));
    }
    const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
    return toPage(rows, limit, toRecord, (j) => [j.createdAt, j.id], LIST);
  }

  async queued(kinds: readonly string[], limit: number): Promise<{ id: string; kind: string }[]> {
    if (kinds.length === 0) return [];
    return this.db
      .selectFrom('jobs')
      .select(['id', 'kind'])
      .where('status', '=', 'queued')
      .where('kind', 'in', [...kinds])
      .orderBy('created_at')
      .orderBy('id')
      .limit(Math.max(1, Math.min(limit, 1000)))
      .execute();
  }

  async claim(id: string, workerId: string, at: string): Promise<JobRecord | null> {
    const row = await this.db
      .updateTable('jobs')
      .set((eb) => ({ status: 'running', worker_id: workerId, attempts: eb('attempts', '+', 1), started_at: at, heartbeat_at: at }))
      .where('id', '=', id)
      .where('status', '=', 'queued')
      .returningAll()
      .executeTakeFirst();
    return row ? toRecord(row) : null;
  }

  async heartbeat(id: string, workerId: string, at: string, progress?: { fraction: number; message: string | null }): Promise<HeartbeatReply | null> {
    const set: { heartbeat_at: string; progress?: number; progress_message?: string | null } = { heartbeat_at: at };
    if (progress) {
      if (!Number.isFinite(progress.fraction) || progress.fraction < 0 || progress.fraction > 1) throw new UsageError(`progress must be a number from 0 to 1 (got ${String(progress.fraction)})`, { field: 'progress' });
      set.progress = progress.fraction;
      set.progress_message = shortMessage(progress.message);
    }
    const row = await this.db
      .updateTable('jobs')
      .set(set)
      .where('id', '=', id)
      .where('status', '=', 'running')
      .where('worker_id', '=', workerId)
      .returning('cancel_requested_at')
      .executeTakeFirst();
    return row ? { cancelRequested: row.cancel_requested_at !== null } : null;
  }

  async finish(id: string, workerId: string, ending: JobEnding, lines: readonly { at: string; line: string }[] = []): Promise<JobRecord | null> {
    const set =
      ending.status === 'succeeded'
        ? { status: 'succeeded', result_json: jobDocumentText(ending.result, 'result'), progress: 1, ...(ending.progressMessage !== undefined ? { progress_message: shortMessage(ending.progressMessage) } : {}), ended_at: ending.at, heartbeat_at: ending.at }
        : ending.status === 'failed'
          ? { status: 'failed', error_json: errorText(ending.error), ended_at: ending.at, heartbeat_at: ending.at }
          : { status: 'cancelled', error_json: errorText({ code: 'cancelled', message: 'cancelled on request' }), ended_at: ending.at, heartbeat_at: ending.at };
    const end = async (db: Kysely<KilnDatabase>): Promise<JobRecord | null> => {
      const row = await db.updateTable('jobs').set(set).where('id', '=', id).where('status', '=', 'running').where('worker_id', '=', workerId).returningAll().executeTakeFirst();
      if (!row) return null;
      if (lines.length > 0) await this.insertLines(db, id, lines);
      return toRecord(row);
    };
    // The last lines and the end commit together: one transaction for a job's whole ending.
    return lines.length === 0 ? end(this.db) : this.retryOnSeqConflict(() => this.inTx(end));
  }

  async release(id: string, workerId: string, at: string, retry: boolean, error: JobError): Promise<JobRecord | null> {
    // A job someone asked to cancel is not run again: it ends cancelled.
    const cancelled = await this.db
      .updateTable('jobs')
      .set({ status: 'cancelled', ended_at: at, error_json: errorText({ code: 'cancelled', message: `cancelled on request (${error.message})` }) })
      .where('id', '=', id)
      .where('status', '=', 'running')
      .where('worker_id', '=', workerId)
      .where('cancel_requested_at', 'is not', null)
      .executeTakeFirst();
    if (Number(cancelled.numUpdatedRows) > 0) return this.get(id);
    const set = retry
      ? { status: 'queued', heartbeat_at: null, error_json: errorText(error) }
      : { status: 'failed', error_json: errorText(error), ended_at: at };
    const res = await this.db.updateTable('jobs').set(set).where('id', '=', id).where('status', '=', 'running').where('worker_id', '=', workerId).executeTakeFirst();
    if (Number(res.numUpdatedRows) === 0) return null;
    return this.get(id);
  }

  async stale(before: string, limit: number): Promise<JobRecord[]> {
    const rows = await this.db
      .selectFrom('jobs')
      .selectAll()
      .where('status', '=', 'running')
      .where('heartbeat_at', '<', before)
      .orderBy('heartbeat_at')
      .limit(Math.max(1, Math.min(limit, 1000)))
      .execute();
    return rows.map(toRecord);
  }

  async runningOn(prefix: string): Promise<JobRecord[]> {
    const rows = await this.db.selectFrom('jobs').selectAll().where('status', '=', 'running').where('worker_id', 'is not', null).execute();
    // A prefix filter in SQL would need LIKE escaping per dialect; running jobs are few.
    return rows.filter((r) => r.worker_id?.startsWith(prefix) === true).map(toRecord);
  }

  async requestCancel(id: string, at: string): Promise<JobRecord | null> {
    await this.db
      .updateTable('jobs')
      .set({ status: 'cancelled', ended_at: at, error_json: errorText({ code: 'cancelled', message: 'cancelled before it started' }) })
      .where('id', '=', id)
      .where('status', '=', 'queued')
      .execute();
    await this.db.updateTable('jobs').set({ cancel_requested_at: at }).where('id', '=', id).where('status', '=', 'running').where('cancel_requested_at', 'is', null).execute();
    return this.get(id);
  }

  async linkRun(id: string, workerId: string, runId: string): Promise<boolean> {
    if (typeof runId !== 'string' || runId.length === 0 || runId.length > MAX_JOB_ID) throw new UsageError(`runId must be 1 to ${MAX_JOB_ID} characters`, { field: 'runId' });
    const res = await this.db.updateTable('jobs').set({ run_id: runId }).where('id', '=', id).where('status', '=', 'running').where('worker_id', '=', workerId).executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  }

  async delete(id: string): Promise<boolean> {
    return this.inTx(async (db) => {
      await db.deleteFrom('job_logs').where('job_id', '=', id).execute();
      const res = await db.deleteFrom('jobs').where('id', '=', id).executeTakeFirst();
      return Number(res.numDeletedRows) > 0;
    });
  }

  async appendLogs(id: string, lines: readonly { at: string; line: string }[]): Promise<number> {
    return this.retryOnSeqConflict(() =>
      this.inTx(async (db) => {
        const job = await db.selectFrom('jobs').select('id').where('id', '=', id).executeTakeFirst();
        if (!job) throw new NotFoundError(`job ${id} does not exist`, { field: 'id' });
        return this.insertLines(db, id, lines);
      }),
    );
  }

  /** Inserts lines after the job's last one; returns the last seq. Call inside a transaction. */
  private async insertLines(db: Kysely<KilnDatabase>, id: string, lines: readonly { at: string; line: string }[]): Promise<number> {
    if (lines.length > MAX_LINES_PER_APPEND) throw new UsageError(`at most ${MAX_LINES_PER_APPEND} log lines per append`, { field: 'lines' });
    if (lines.length === 0) {
      const last = await db.selectFrom('job_logs').select((eb) => eb.fn.max('seq').as('seq')).where('job_id', '=', id).executeTakeFirst();
      return Number(last?.seq ?? 0);
    }
    let lastSeq = 0;
    for (let i = 0; i < lines.length; i += 500) {
      // Each row's seq is read in the statement itself (every subquery sees the table as it was before
      // the insert), so a batch costs one round trip.
      const rows = lines.slice(i, i + 500).map((l, k) => ({
        job_id: id,
        seq: sql<number>`(select coalesce(max(seq), 0) + ${k + 1} from job_logs where job_id = ${id})`,
        at: l.at,
        line: storable(l.line.length > MAX_JOB_LOG_LINE ? `${l.line.slice(0, MAX_JOB_LOG_LINE - 12)} [truncated]` : l.line),
      }));
      const inserted = await db.insertInto('job_logs').values(rows).returning('seq').execute();
      lastSeq = Math.max(...inserted.map((r) => Number(r.seq)));
    }
    return lastSeq;
  }

  /** A concurrent appender took the same seqs (a takeover overlapping its predecessor's last flush): try again. */
  private async retryOnSeqConflict<T>(fn: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        if (!isUniqueViolation(err) || attempt >= 5 || this.inTransaction) throw err;
      }
    }
  }

  async logs(id: string, after = 0, page: PageRequest = {}): Promise<Page<JobLogLine>> {
    const limit = pageLimit(page.limit);
    if (!Number.isSafeInteger(after) || after < 0) throw new UsageError(`after must be a whole number (got ${String(after)})`, { field: 'after' });
    let from = after;
    if (page.cursor != null) [from] = decodeCursor(LOGS, page.cursor, ['number'] as const);
    const rows = await this.db.selectFrom('job_logs').select(['seq', 'at', 'line']).where('job_id', '=', id).where('seq', '>', from).orderBy('seq').limit(limit + 1).execute();
    return toPage(rows, limit, (r) => ({ seq: Number(r.seq), at: r.at, line: r.line }), (l) => [l.seq], LOGS);
  }

  private async inTx<T>(fn: (db: Kysely<KilnDatabase>) => Promise<T>): Promise<T> {
    if (this.inTransaction) return fn(this.db);
    return this.db.transaction().execute(fn);
  }
}

