/**
 * Dialect-agnostic SQL implementation of the dataset repository (Kysely). Version allocation happens in
 * one transaction: upsert the dataset row with ON CONFLICT DO UPDATE (which row-locks it on PostgreSQL;
 * SQLite transactions already hold the write lock from `BEGIN IMMEDIATE`), then insert the next version.
 * The (dataset_name, version) primary key backs this up; a violation is retried a few times. Lists are
 * keyset-paged on the primary keys (see `page.ts`).
 */
import { sql } from 'kysely';
import type { Kysely, Selectable } from 'kysely';
import { ConflictError, InternalError, UsageError } from '../../core/errors.js';
import { MAX_SUMMARY_BYTES } from '../dataset-repository.js';
import type {
  DatasetRepository,
  DatasetSummary,
  DatasetVersionRecord,
  DatasetVersionRegistration,
  DatasetVersionSummary,
  NewDatasetVersion,
} from '../dataset-repository.js';
import { decodeCursor, pageLimit, toPage } from '../page.js';
import type { Page, PageRequest } from '../page.js';
import { serializeInlineDocument } from '../stored-document.js';
import type { StoredDocument } from '../stored-document.js';
import type { DatasetVersionsTable, KilnDatabase } from './kiln-database.js';
import { isUniqueViolation } from './unique-violation.js';

const MAX_ATTEMPTS = 5;
const LIST_DATASETS = 'datasets';
const LIST_VERSIONS = 'dataset-versions';
const HASH = /^[0-9a-f]{64}$/;
const SUMMARY_COLUMNS = [
  'dataset_name',
  'version',
  'content_hash',
  'row_count',
  'column_count',
  'byte_count',
  'artifact_hash',
  'format',
  'source',
  'created_at',
] as const;

type SummaryRow = Pick<Selectable<DatasetVersionsTable>, (typeof SUMMARY_COLUMNS)[number]>;

/** The serialized form of a registration's documents: one of each (json, artifact hash) pair is null. */
interface DocumentColumns {
  schema_json: string | null;
  schema_artifact_hash: string | null;
  profile_json: string | null;
  profile_artifact_hash: string | null;
  summary_json: string | null;
}

/** Dataset repository over any Kysely connection or transaction. */
export class SqlDatasetRepository implements DatasetRepository {
  /** `inTransaction`: `db` is an open transaction, so no own transaction and no retry; every name lives in `project`. */
  constructor(
    private readonly db: Kysely<KilnDatabase>,
    private readonly inTransaction: boolean,
    private readonly project: string,
  ) {}

  async createVersion(input: NewDatasetVersion): Promise<DatasetVersionRegistration> {
    const documents = checkNewDatasetVersion(input);
    if (this.inTransaction) {
      try {
        return await this.register(this.db, input, documents);
      } catch (err) {
        throw isUniqueViolation(err) ? versionConflict(input.name, err) : err;
      }
    }
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.db.transaction().execute((trx) => this.register(trx, input, documents));
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        if (attempt >= MAX_ATTEMPTS) throw versionConflict(input.name, err);
      }
    }
  }

  async getVersion(name: string, version: number | 'latest'): Promise<DatasetVersionRecord | null> {
    checkVersion(version);
    // JSON columns are read cast to text: jsonb would otherwise arrive parsed on PostgreSQL and as text on SQLite.
    let query = this.db
      .selectFrom('dataset_versions')
      .select(SUMMARY_COLUMNS)
      .select(['schema_artifact_hash', 'profile_artifact_hash'])
      .select([asText('schema_json'), asText('profile_json'), asText('summary_json')])
      .where('project', '=', this.project)
      .where('dataset_name', '=', name);
    query = version === 'latest' ? query.orderBy('version', 'desc').limit(1) : query.where('version', '=', version);
    const row = await query.executeTakeFirst();
    if (!row) return null;
    const summary = toSummary(row);
    return {
      ...summary,
      schema: toDocument(row.schema_json, row.schema_artifact_hash, summary, 'schema'),
      profile: toDocument(row.profile_json, row.profile_artifact_hash, summary, 'profile'),
      summary: row.summary_json === null ? null : parseStoredJson(row.summary_json, summary, 'summary'),
    };
  }

  async list(page: PageRequest = {}): Promise<Page<DatasetSummary>> {
    const limit = pageLimit(page.limit);
    let query = this.db
      .selectFrom('datasets as d')
      .select(['d.name', 'd.latest_version', 'd.updated_at'])
      // A correlated count walks the primary-key index of one dataset per row of the page, not the whole table.
      .select((eb) =>
        eb
          .selectFrom('dataset_versions as v')
          .whereRef('v.project', '=', 'd.project')
          .whereRef('v.dataset_name', '=', 'd.name')
          .select(eb.fn.countAll<number | string>().as('n'))
          .as('versions'),
      )
      .where('d.project', '=', this.project);
    if (page.cursor != null) {
      const [after] = decodeCursor(LIST_DATASETS, page.cursor, ['string'] as const);
      query = query.where('d.name', '>', after);
    }
    const rows = await query.orderBy('d.name').limit(limit + 1).execute();
    return toPage(
      rows,
      limit,
      (r) => ({ name: r.name, latestVersion: toSafeNumber(r.latest_version, 'latest_version'), versions: toSafeNumber(r.versions ?? 0, 'versions'), updatedAt: r.updated_at }),
      (d) => [d.name],
      LIST_DATASETS,
    );
  }

  async listVersions(name: string, page: PageRequest = {}): Promise<Page<DatasetVersionSummary>> {
    const limit = pageLimit(page.limit);
    let query = this.db.selectFrom('dataset_versions').select(SUMMARY_COLUMNS).where('project', '=', this.project).where('dataset_name', '=', name);
    if (page.cursor != null) {
      // The cursor carries the name too, so a cursor of one dataset cannot page through another.
      const [cursorName, after] = decodeCursor(LIST_VERSIONS, page.cursor, ['string', 'number'] as const);
      if (cursorName !== name) throw new UsageError(`cursor belongs to the versions of '${cursorName}', not '${name}'`, { field: 'cursor' });
      query = query.where('version', '>', after);
    }
    const rows = await query.orderBy('version').limit(limit + 1).execute();
    return toPage(rows, limit, toSummary, (v) => [v.name, v.version], LIST_VERSIONS);
  }

  /** Counts across every project: an artifact is live while any project's version references it. */
  async countArtifactReferences(hash: string): Promise<number> {
    if (typeof hash !== 'string' || !HASH.test(hash)) throw new UsageError('artifact hash must be 64 lowercase hex characters', { field: 'hash' });
    // Three indexed lookups (one per column) rather than one OR, which some planners turn into a scan.
    let total = 0;
    for (const column of ['artifact_hash', 'schema_artifact_hash', 'profile_artifact_hash'] as const) {
      const row = await this.db
        .selectFrom('dataset_versions')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where(column, '=', hash)
        .executeTakeFirstOrThrow();
      total += Number(row.n);
    }
    return total;
  }

  /** Walks every project (keyset on the primary key): gc must keep any project's artifacts. */
  async *artifactHashes(batchSize = 1000): AsyncIterable<string> {
    let after: [string, string, number] | null = null;
    for (;;) {
      let q = this.db.selectFrom('dataset_versions').select(['project', 'dataset_name', 'version', 'artifact_hash', 'schema_artifact_hash', 'profile_artifact_hash']);
      if (after) {
        const [project, name, version] = after;
        q = q.where((eb) =>
          eb.or([
            eb('project', '>', project),
            eb.and([eb('project', '=', project), eb('dataset_name', '>', name)]),
            eb.and([eb('project', '=', project), eb('dataset_name', '=', name), eb('version', '>', version)]),
          ]),
        );
      }
      const rows = await q.orderBy('project').orderBy('dataset_name').orderBy('version').limit(batchSize).execute();
      for (const r of rows) {
        yield r.artifact_hash;
        if (r.schema_artifact_hash) yield r.schema_artifact_hash;
        if (r.profile_artifact_hash) yield r.profile_artifact_hash;
      }
      if (rows.length < batchSize) return;
      const last = rows[rows.length - 1];
      after = [last.project, last.dataset_name, Number(last.version)];
    }
  }

  /** Across every project, keyset on the primary key; a full scan, as gc's other scans are. */
  async *versionsInFormat(format: string, batchSize = 1000): AsyncIterable<DatasetVersionSummary> {
    let after: [string, string, number] | null = null;
    for (;;) {
      let q = this.db.selectFrom('dataset_versions').select(['project', ...SUMMARY_COLUMNS]).where('format', '=', format);
      if (after) {
        const [project, name, version] = after;
        q = q.where((eb) =>
          eb.or([
            eb('project', '>', project),
            eb.and([eb('project', '=', project), eb('dataset_name', '>', name)]),
            eb.and([eb('project', '=', project), eb('dataset_name', '=', name), eb('version', '>', version)]),
          ]),
        );
      }
      const rows = await q.orderBy('project').orderBy('dataset_name').orderBy('version').limit(batchSize).execute();
      for (const r of rows) yield toSummary(r);
      if (rows.length < batchSize) return;
      const last = rows[rows.length - 1];
      after = [last.project, last.dataset_name, Number(last.version)];
    }
  }

  private async register(trx: Kysely<KilnDatabase>, input: NewDatasetVersion, documents: DocumentColumns): Promise<DatasetVersionRegistration> {
    // Upsert-and-lock in one statement: ON CONFLICT DO UPDATE takes the dataset row's lock (PostgreSQL
    // waits here for a concurrent registration of the same name to commit) and returns its latest version.
    const dataset = await trx
      .insertInto('datasets')
      .values({ project: this.project, name: input.name, latest_version: 0, created_at: input.createdAt, updated_at: input.createdAt })
      .onConflict((oc) => oc.columns(['project', 'name']).doUpdateSet({ name: (eb) => eb.ref('excluded.name') }))
      .returning('latest_version')
      .executeTakeFirstOrThrow();
    const existing = await trx
      .selectFrom('dataset_versions')
      .select('version')
      .where('project', '=', this.project)
      .where('dataset_name', '=', input.name)
      .where('content_hash', '=', input.hash)
      .executeTakeFirst();
    if (existing) return { version: toSafeNumber(existing.version, 'version'), created: false };
    const version = toSafeNumber(dataset.latest_version, 'latest_version') + 1;
    if (!Number.isSafeInteger(version)) {
      throw new ConflictError(`dataset '${input.name}' has used every version number up to ${version - 1}`, { field: 'name' }, 'register the data under a new name');
    }
    await trx
      .insertInto('dataset_versions')
      .values({
        project: this.project,
        dataset_name: input.name,
        version,
        content_hash: input.hash,
        row_count: input.rows,
        column_count: input.columns,
        byte_count: input.bytes,
        ...documents,
        artifact_hash: input.artifactHash,
        format: input.format,
        source: input.source,
        created_at: input.createdAt,
      })
      .execute();
    await trx.updateTable('datasets').set({ latest_version: version, updated_at: input.createdAt }).where('project', '=', this.project).where('name', '=', input.name).execute();
    return { version, created: true };
  }
}

function asText<C extends 'schema_json' | 'profile_json' | 'summary_json'>(column: C) {
  return sql<string | null>`cast(${sql.ref(column)} as text)`.as(column);
}

function checkVersion(version: number | 'latest'): void {
  if (version === 'latest') return;
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1) {
    throw new UsageError(
      `dataset version must be a positive integer up to ${Number.MAX_SAFE_INTEGER} or 'latest', got ${String(version)}`,
      { field: 'version' },
      'see the dataset\'s versions with `kiln data show NAME`',
    );
  }
}

/** A 64-bit column as a JS number; a value past 2^53 cannot be represented exactly, so it is an internal error, not a wrong answer. */
function toSafeNumber(value: number | string, column: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new InternalError(`stored ${column} ${String(value)} is beyond the exact integer range of this Kiln`, { field: column });
  return n;
}

function toSummary(row: SummaryRow): DatasetVersionSummary {
  return {
    name: row.dataset_name,
    version: toSafeNumber(row.version, 'version'),
    hash: row.content_hash,
    rows: toSafeNumber(row.row_count, 'row_count'),
    columns: toSafeNumber(row.column_count, 'column_count'),
    bytes: toSafeNumber(row.byte_count, 'byte_count'),
    artifactHash: row.artifact_hash,
    format: row.format,
    source: row.source,
    createdAt: row.created_at,
  };
}

function toDocument(json: string | null, artifactHash: string | null, v: DatasetVersionSummary, field: string): StoredDocument {
  if (artifactHash !== null) return { kind: 'artifact', hash: artifactHash };
  if (json === null) throw new InternalError(`dataset '${v.name}' version ${v.version} has no ${field}`, { field });
  return { kind: 'inline', value: parseStoredJson(json, v, field) };
}

function parseStoredJson(text: string, v: DatasetVersionSummary, field: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new InternalError(`stored ${field} of dataset '${v.name}' version ${v.version} is not valid JSON`, { field }, { cause: err });
  }
}

function versionConflict(name: string, cause: unknown): ConflictError {
  const err = new ConflictError(
    `could not allocate a version for dataset '${name}': another registration kept taking the same number`,
    { field: 'name' },
    'retry the registration',
  );
  err.cause = cause;
  return err;
}

/** Rejects malformed registrations with the offending field named; returns the document columns. */
function checkNewDatasetVersion(input: NewDatasetVersion): DocumentColumns {
  for (const field of ['name', 'hash', 'artifactHash', 'format', 'createdAt'] as const) {
    const value: unknown = input[field];
    if (typeof value !== 'string' || value.length === 0) throw new UsageError(`dataset version field '${field}' must be a non-empty string`, { field });
  }
  for (const field of ['rows', 'columns', 'bytes'] as const) {
    const value: unknown = input[field];
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      throw new UsageError(`dataset version field '${field}' must be a non-negative integer up to 2^53-1, got ${String(value)}`, { field });
    }
  }
  if (input.source !== null && typeof input.source !== 'string') throw new UsageError(`dataset version field 'source' must be a string or null`, { field: 'source' });
  for (const field of ['name', 'hash', 'artifactHash', 'format', 'createdAt', 'source'] as const) {
    // PostgreSQL text cannot hold U+0000; refuse it on every dialect so behaviour does not depend on the backend.
    if (input[field]?.includes('\u0000')) throw new UsageError(`dataset version field '${field}' contains a NUL character`, { field });
  }
  const schema = documentColumns(input.schema, 'schema');
  const profile = documentColumns(input.profile, 'profile');
  return {
    schema_json: schema.json,
    schema_artifact_hash: schema.hash,
    profile_json: profile.json,
    profile_artifact_hash: profile.hash,
    summary_json: input.summary === null ? null : serializeInlineDocument(input.summary, 'summary', MAX_SUMMARY_BYTES),
  };
}

function documentColumns(doc: StoredDocument | undefined, field: string): { json: string | null; hash: string | null } {
  if (doc?.kind === 'artifact') {
    if (typeof doc.hash !== 'string' || !HASH.test(doc.hash)) throw new UsageError(`dataset version field '${field}' must name an artifact by its sha256 (64 lowercase hex)`, { field });
    return { json: null, hash: doc.hash };
  }
  if (doc?.kind === 'inline') return { json: serializeInlineDocument(doc.value, field), hash: null };
  throw new UsageError(`dataset version field '${field}' must be an inline or artifact document`, { field });
}
