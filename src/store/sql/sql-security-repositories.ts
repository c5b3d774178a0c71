/**
 * SQL implementations of the security repositories (projects, API tokens, audit log) over Kysely, the same
 * on SQLite and PostgreSQL. Lists are keyset-paginated; the audit log is append-only: `append` reads the
 * last entry and inserts the next `seq` in one transaction, and the `seq` primary key makes a concurrent
 * append that read the same last entry fail and retry against the new last entry.
 */
import type { Kysely, Selectable } from 'kysely';
import { ConflictError, InternalError } from '../../core/errors.js';
import { decodeCursor, pageLimit, toPage } from '../page.js';
import type { Page, PageRequest } from '../page.js';
import type {
  ApiTokenRecord,
  ApiTokenRepository,
  AuditEntryRecord,
  AuditFilter,
  AuditRepository,
  ProjectRecord,
  ProjectRepository,
  StoredGrant,
} from '../security-repository.js';
import type { ApiTokensTable, AuditLogTable, KilnDatabase } from './kiln-database.js';
import { isUniqueViolation } from './unique-violation.js';

const MAX_APPEND_ATTEMPTS = 10;
const LIST_PROJECTS = 'projects';
const LIST_TOKENS = 'tokens';
const LIST_AUDIT = 'audit';

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new InternalError(`stored ${what} is not valid JSON`, { field: what }, { cause: err });
  }
}

/** Projects over SQL. */
export class SqlProjectRepository implements ProjectRepository {
  constructor(private readonly db: Kysely<KilnDatabase>) {}

  async create(p: ProjectRecord): Promise<boolean> {
    const r = await this.db
      .insertInto('projects')
      .values({ name: p.name, description: p.description, created_at: p.createdAt, created_by: p.createdBy })
      .onConflict((oc) => oc.column('name').doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async get(name: string): Promise<ProjectRecord | null> {
    const r = await this.db.selectFrom('projects').selectAll().where('name', '=', name).executeTakeFirst();
    return r ? { name: r.name, description: r.description, createdAt: r.created_at, createdBy: r.created_by } : null;
  }

  async list(page?: PageRequest): Promise<Page<ProjectRecord>> {
    const limit = pageLimit(page?.limit);
    let q = this.db.selectFrom('projects').selectAll().orderBy('name').limit(limit + 1);
    if (page?.cursor) q = q.where('name', '>', decodeCursor(LIST_PROJECTS, page.cursor, ['string'] as const)[0]);
    const rows = await q.execute();
    return toPage(rows, limit, (r): ProjectRecord => ({ name: r.name, description: r.description, createdAt: r.created_at, createdBy: r.created_by }), (p) => [p.name], LIST_PROJECTS);
  }
}

function toToken(r: Selectable<ApiTokensTable>): ApiTokenRecord {
  return {
    id: r.id,
    name: r.name,
    prefix: r.prefix,
    secretHash: r.secret_hash,
    grants: parseJson(r.grants_json, 'grants') as StoredGrant[],
    superuser: Number(r.superuser) === 1,
    createdAt: r.created_at,
    createdBy: r.created_by,
    expiresAt: r.expires_at,
    revokedAt: r.revoked_at,
    lastUsedAt: r.last_used_at,
  };
}

/** API tokens over SQL. */
export class SqlApiTokenRepository implements ApiTokenRepository {
  constructor(private readonly db: Kysely<KilnDatabase>) {}

  async create(t: ApiTokenRecord): Promise<void> {
    try {
      await this.db
        .insertInto('api_tokens')
        .values({
          id: t.id,
          name: t.name,
          prefix: t.prefix,
          secret_hash: t.secretHash,
          grants_json: JSON.stringify(t.grants),
          superuser: t.superuser ? 1 : 0,
          created_at: t.createdAt,
          created_by: t.createdBy,
          expires_at: t.expiresAt,
          revoked_at: t.revokedAt,
          last_used_at: t.lastUsedAt,
        })
        .execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw new ConflictError(`token id ${t.id} already exists`, { field: 'id' });
      throw err;
    }
  }

  async get(id: string): Promise<ApiTokenRecord | null> {
    const r = await this.db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? toToken(r) : null;
  }

  async list(page?: PageRequest): Promise<Page<ApiTokenRecord>> {
    const limit = pageLimit(page?.limit);
    let q = this.db.selectFrom('api_tokens').selectAll().orderBy('id').limit(limit + 1);
    if (page?.cursor) q = q.where('id', '>', decodeCursor(LIST_TOKENS, page.cursor, ['string'] as const)[0]);
    const rows = await q.execute();
    return toPage(rows, limit, toToken, (t) => [t.id], LIST_TOKENS);
  }

  async revoke(id: string, at: string): Promise<boolean> {
    const r = await this.db.updateTable('api_tokens').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async touch(id: string, at: string): Promise<void> {
    await this.db.updateTable('api_tokens').set({ last_used_at: at }).where('id', '=', id).execute();
  }

  async count(): Promise<number> {
    const r = await this.db.selectFrom('api_tokens').select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
    return Number(r.n);
  }
}

function toEntry(r: Selectable<AuditLogTable>): AuditEntryRecord {
  return {
    seq: Number(r.seq),
    at: r.at,
    actor: r.actor,
    action: r.action,
    resourceType: r.resource_type,
    resourceId: r.resource_id,
    project: r.project,
    before: parseJson(r.before_json, 'audit before'),
    after: parseJson(r.after_json, 'audit after'),
    requestId: r.request_id,
    sourceAddress: r.source_address,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

/** The audit log over SQL. */
export class SqlAuditRepository implements AuditRepository {
  /** `inTransaction`: `db` is an open transaction (the append joins it; no retry). */
  constructor(
    private readonly db: Kysely<KilnDatabase>,
    private readonly inTransaction: boolean,
  ) {}

  async append(seal: (last: { seq: number; hash: string } | null) => AuditEntryRecord): Promise<AuditEntryRecord> {
    const once = async (trx: Kysely<KilnDatabase>): Promise<AuditEntryRecord> => {
      const last = await trx.selectFrom('audit_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
      const entry = seal(last ? { seq: Number(last.seq), hash: last.hash } : null);
      await trx
        .insertInto('audit_log')
        .values({
          seq: entry.seq,
          at: entry.at,
          actor: entry.actor,
          action: entry.action,
          resource_type: entry.resourceType,
          resource_id: entry.resourceId,
          project: entry.project,
          before_json: JSON.stringify(entry.before ?? null),
          after_json: JSON.stringify(entry.after ?? null),
          request_id: entry.requestId,
          source_address: entry.sourceAddress,
          prev_hash: entry.prevHash,
          hash: entry.hash,
        })
        .execute();
      return entry;
    };
    if (this.inTransaction) return once(this.db);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.db.transaction().execute(once);
      } catch (err) {
        if (!isUniqueViolation(err) || attempt >= MAX_APPEND_ATTEMPTS) throw err;
      }
    }
  }

  async list(filter: AuditFilter = {}, page?: PageRequest): Promise<Page<AuditEntryRecord>> {
    const limit = pageLimit(page?.limit);
    let q = this.db.selectFrom('audit_log').selectAll().orderBy('seq', 'desc').limit(limit + 1);
    if (page?.cursor) q = q.where('seq', '<', decodeCursor(LIST_AUDIT, page.cursor, ['number'] as const)[0]);
    if (filter.resourceType !== undefined) q = q.where('resource_type', '=', filter.resourceType);
    if (filter.resourceId !== undefined) q = q.where('resource_id', '=', filter.resourceId);
    if (filter.actor !== undefined) q = q.where('actor', '=', filter.actor);
    if (filter.project !== undefined) q = q.where('project', '=', filter.project);
    if (filter.since !== undefined) q = q.where('at', '>=', filter.since);
    const rows = await q.execute();
    return toPage(rows, limit, toEntry, (e) => [e.seq], LIST_AUDIT);
  }

  async *scan(batchSize = 1000): AsyncIterable<AuditEntryRecord> {
    let after = 0;
    for (;;) {
      const rows = await this.db.selectFrom('audit_log').selectAll().where('seq', '>', after).orderBy('seq').limit(batchSize).execute();
      for (const r of rows) yield toEntry(r);
      if (rows.length < batchSize) return;
      after = Number(rows[rows.length - 1].seq);
    }
  }
}
